"""The serializers and the admin follow the one product field list (catalog/product_fields.py)."""

import pytest
from django.urls import reverse

from catalog.admin import ProductAdmin
from catalog.models import Product
from catalog.product_fields import FILE_COLUMNS, PRODUCT_COLUMNS, PRODUCT_FIELDS
from catalog.serializers import ProductInputSerializer, ProductOutputSerializer


def test_every_product_field_is_accepted_and_rendered_by_the_api():
    # Input names the categories by `category` (a slug) and `category_ids`.
    assert set(PRODUCT_FIELDS) - {"categories"} <= set(ProductInputSerializer().fields)
    assert set(PRODUCT_FIELDS) <= set(ProductOutputSerializer().fields)


def test_the_product_columns_are_model_fields():
    model_fields = {field.name for field in Product._meta.get_fields()}

    assert set(PRODUCT_FIELDS) - {"images"} <= model_fields
    assert set(PRODUCT_COLUMNS) <= {field.name for field in Product._meta.concrete_fields}


def test_the_file_columns_keep_the_format_spreadsheets_use():
    header = "name,slug,sku,description,description_full,price,cost_price,quantity,category,colors,sizes,materials"
    header += ",image_cover,images,is_trending,is_disabled"
    header += ",variant_sku,size,color,variant_price,variant_quantity"

    assert ",".join(FILE_COLUMNS) == header


@pytest.mark.django_db
def test_the_admin_form_shows_the_product_fields_in_their_order(admin_client):
    response = admin_client.get(reverse("admin:catalog_product_add"))

    form_fields = list(response.context["adminform"].form.fields)
    assert [name for name in form_fields if name in PRODUCT_FIELDS] == [
        name for name in PRODUCT_FIELDS if name != "images"
    ]
    assert ProductAdmin.fields[-4:] == ProductAdmin.readonly_fields
