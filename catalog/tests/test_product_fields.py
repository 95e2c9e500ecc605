"""The serializers and the admin follow the one product field list (catalog/product_fields.py)."""

import pytest
from django.urls import reverse

from catalog.admin import ProductAdmin
from catalog.models import Product
from catalog.product_fields import FILE_COLUMNS, PRODUCT_COLUMNS, PRODUCT_FIELDS
from catalog.serializers import ProductInputSerializer, ProductOutputSerializer


def test_every_product_column_is_accepted_and_rendered_by_the_api():
    input_fields = list(ProductInputSerializer().fields)
    output_fields = list(ProductOutputSerializer().fields)

    # Input names categories by `category` (a slug) and `category_ids`.
    assert [name for name in input_fields if name in PRODUCT_FIELDS] == [
        name for name in PRODUCT_FIELDS if name != "categories"
    ]
    assert [name for name in output_fields if name in PRODUCT_FIELDS] == list(PRODUCT_FIELDS)


def test_the_product_columns_are_the_model_fields_staff_set():
    model_fields = [field.name for field in Product._meta.get_fields() if field.name in PRODUCT_COLUMNS]

    assert model_fields == list(PRODUCT_COLUMNS)


def test_the_file_columns_are_product_fields_but_category():
    assert set(FILE_COLUMNS) - {"category"} <= set(PRODUCT_FIELDS)


@pytest.mark.django_db
def test_the_admin_form_shows_the_product_fields_in_their_order(admin_client):
    response = admin_client.get(reverse("admin:catalog_product_add"))

    form_fields = list(response.context["adminform"].form.fields)
    assert [name for name in form_fields if name in PRODUCT_FIELDS] == [
        name for name in PRODUCT_FIELDS if name != "images"
    ]
    assert ProductAdmin.fields[-4:] == ProductAdmin.readonly_fields
