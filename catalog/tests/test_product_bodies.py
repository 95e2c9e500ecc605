"""The lean read path (catalog/product_bodies.py) renders exactly what ProductOutputSerializer renders."""

import json

import pytest
from rest_framework.test import APIRequestFactory

from catalog.filters import PRODUCT_SORTS
from catalog.product_bodies import ProductRows, product_bodies, product_body
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


@pytest.mark.parametrize("sort", sorted(PRODUCT_SORTS))
def test_unfiltered_rows_equal_the_serializer_in_every_sort(sort, staff, customer):
    catalog_generate(seed=1, products=30)

    for include_disabled in (True, False):
        products = product_list(include_disabled=include_disabled).order_by(*PRODUCT_SORTS[sort])
        rows = ProductRows(include_disabled=include_disabled, order=PRODUCT_SORTS[sort])
        for user in (staff, customer):
            expected = _serializer_bodies(products, user)
            pages = [rows[start : start + 7].bodies(staff=user.is_staff) for start in range(0, 35, 7)]

            assert [body for page in pages for body in page] == expected
            assert rows[:1000].count() == len(expected)


def test_one_body_by_id_or_slug_equals_the_serializer(staff, customer):
    catalog_generate(seed=2, products=20)

    for product in product_list(include_disabled=True):
        for user in (staff, customer):
            expected = _serializer_bodies([product], user)[0]
            assert product_body(pk=product.pk, include_disabled=True, staff=user.is_staff) == expected
            assert product_body(slug=product.slug, include_disabled=True, staff=user.is_staff) == expected
        hidden = product_body(pk=product.pk, include_disabled=False, staff=False)
        assert hidden is None if product.is_disabled else hidden == _serializer_bodies([product], customer)[0]


@pytest.mark.parametrize("sort", ["", "price_desc", "rating", "newest"])
def test_plain_list_answers_as_the_filtered_path_with_empty_filters(api_client, sort):
    catalog_generate(seed=3, products=25)

    for page in ("1", "2", "4"):
        plain = api_client.get(f"/api/products?limit=6&page={page}&facets=true&sort={sort}")
        # An empty filter takes the FilterSet's path, and filters nothing.
        filtered = api_client.get(f"/api/products?limit=6&page={page}&facets=true&sort={sort}&category=&q=")

        assert plain.status_code == filtered.status_code == 200
        for key in ("count", "results", "facets"):
            assert plain.json()[key] == filtered.json()[key]
    assert api_client.get("/api/products?limit=6&page=9").status_code == 404
