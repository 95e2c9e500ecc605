"""The lean read path (catalog/product_bodies.py) renders exactly what ProductOutputSerializer renders."""

import json

import pytest
from rest_framework.test import APIRequestFactory

from catalog.product_bodies import product_bodies
from catalog.selectors import product_list
from catalog.serializers import ProductOutputSerializer
from catalog.tests.generated import catalog_generate

pytestmark = pytest.mark.django_db


def _serializer_bodies(products, user) -> list:
    request = APIRequestFactory().get("/api/products")
    request.user = user
    return json.loads(json.dumps(ProductOutputSerializer(products, many=True, context={"request": request}).data))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lean_bodies_equal_the_serializers_on_a_generated_catalog(seed, staff, customer):
    catalog_generate(seed=seed, products=40)
    products = product_list(include_disabled=True)

    for user in (staff, customer):
        expected = _serializer_bodies(products, user)
        lean = product_bodies(products, staff=user.is_staff)

        assert json.loads(json.dumps(lean)) == expected
        assert lean == expected  # the same Python types too, not only the same JSON


def test_api_list_and_detail_equal_the_serializer(api_client, staff_client, staff):
    catalog_generate(seed=9, products=30)
    products = list(product_list(include_disabled=True))
    by_id = {body["id"]: body for body in _serializer_bodies(products, staff)}

    listed = staff_client.get("/api/products?limit=100&include_disabled=true").json()["results"]
    assert listed == [by_id[product.pk] for product in products]
    for product in products[:10]:
        assert staff_client.get(f"/api/products/{product.pk}").json() == by_id[product.pk]
    anonymous = api_client.get("/api/products?limit=100").json()["results"]
    assert anonymous == [
        {key: value for key, value in by_id[product.pk].items() if key != "cost_price"}
        for product in products
        if not product.is_disabled
    ]
