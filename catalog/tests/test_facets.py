"""`facets=true` on the product list, and the exact colour and size filters it shares its rules with."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog.cache import catalog_changed
from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductVariantFactory
from catalog.tests.generated import catalog_generate

pytestmark = pytest.mark.django_db


def _fold(text: str) -> str:
    # SQLite's LOWER() folds ASCII letters only; MariaDB's folds every letter.
    if connection.vendor == "sqlite":
        return text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))
    return text.lower()


def _options(product: Product, axis: str) -> set[str]:
    """The rule as the README states it: the options of the active variants, else the product's list."""
    from_variants = {getattr(v, axis) for v in product.variants.all() if v.is_active and getattr(v, axis)}
    return {_fold(option) for option in (from_variants or getattr(product, f"{axis}s"))}


def _matches(product: Product, params: dict, skip: set[str]) -> bool:
    checks = {
        "category": lambda value: value in {c.slug for c in product.categories.all()},
        "min_price": lambda value: product.price >= Decimal(value),
        "max_price": lambda value: product.price <= Decimal(value),
        "in_stock": lambda value: (product.quantity > 0) == (value == "true"),
        "is_trending": lambda value: product.is_trending == (value == "true"),
        "color": lambda value: _fold(value) in _options(product, "color"),
        "size": lambda value: _fold(value) in _options(product, "size"),
    }
    return all(checks[name](value) for name, value in params.items() if name not in skip)


def _brute_force(params: dict) -> tuple[int, dict]:
    products = list(Product.objects.filter(is_disabled=False).prefetch_related("variants", "categories"))
    facets: dict = {"category": {}, "color": {}, "size": {}}
    for product in products:
        if _matches(product, params, {"category"}):
            for category in product.categories.all():
                if category.is_active:
                    facets["category"][category.slug] = facets["category"].get(category.slug, 0) + 1
        for axis in ("color", "size"):
            if _matches(product, params, {axis}):
                for option in _options(product, axis):
                    facets[axis][option] = facets[axis].get(option, 0) + 1
    priced = [p.price for p in products if _matches(p, params, {"min_price", "max_price"})]
    price = {"min": f"{min(priced):.2f}", "max": f"{max(priced):.2f}"} if priced else {"min": None, "max": None}
    matching = sum(_matches(product, params, set()) for product in products)
    return matching, {**facets, "price": price}


def _counts(facets: dict) -> dict:
    counted = {axis: {row["value"]: row["count"] for row in facets[axis]} for axis in ("category", "color", "size")}
    return {**counted, "price": facets["price"]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"color": "red"},
        {"color": "RED", "size": "m"},
        {"category": "category-1", "min_price": "100"},
        {"in_stock": "true", "size": "xl"},
        {"is_trending": "true", "max_price": "500", "color": "blue"},
        {"color": "no-such-colour"},
    ],
)
def test_facet_counts_equal_a_brute_force_count_over_the_same_data(api_client, params):
    catalog_generate(seed=5, products=60)
    Category.objects.filter(slug="category-1").exists() or CategoryFactory(slug="category-1")

    body = api_client.get("/api/products", {**params, "facets": "true", "limit": 5}).json()

    matching, expected = _brute_force(params)
    assert body["count"] == matching
    assert _counts(body["facets"]) == expected
    for axis in ("color", "size"):
        for row in body["facets"][axis]:
            assert _fold(row["label"]) == row["value"]
        counts = [row["count"] for row in body["facets"][axis]]
        assert counts == sorted(counts, reverse=True)


def test_a_colour_filter_still_lists_the_other_colours_with_their_counts(api_client):
    for color in ("red", "red", "blue", "green"):
        product = ProductFactory()
        product.variants.all().delete()
        ProductVariantFactory(product=product, color=color, size="M")

    body = api_client.get("/api/products?color=red&facets=true").json()

    assert body["count"] == 2
    assert body["facets"]["color"] == [
        {"value": "red", "label": "red", "count": 2},
        {"value": "blue", "label": "blue", "count": 1},
        {"value": "green", "label": "green", "count": 1},
    ]
    assert body["facets"]["size"] == [{"value": "m", "label": "M", "count": 2}]


def test_colour_and_size_filters_are_exact_and_ignore_case(api_client):
    dark = ProductFactory(name="Dark")
    dark.variants.all().delete()
    ProductVariantFactory(product=dark, color="Dark red", size="XL")
    red = ProductFactory(name="Red")
    red.variants.all().delete()
    ProductVariantFactory(product=red, color="Red", size="L")
    inactive = ProductVariantFactory(product=ProductFactory(name="Gone"), color="red", is_active=False)
    listed = ProductFactory(name="Listed", colors=["RED", "blue"], sizes=["L"])

    names = lambda query: [p["name"] for p in api_client.get(f"/api/products?{query}").json()["results"]]  # noqa: E731

    assert names("color=red") == ["Listed", "Red"]
    assert names("color=dark") == []
    assert names("size=l") == ["Listed", "Red"]
    assert names("size=x") == []
    assert inactive.product.name not in names("color=red") and listed.name in names("color=blue")


def test_facets_cost_at_most_two_more_queries_whatever_the_page_size(api_client, django_assert_num_queries):
    catalog_generate(seed=11, products=30)
    ProductFactory.create_batch(80, categories=[CategoryFactory()])
    for limit in (5, 100):
        # A new catalog version: the count and facets are computed afresh (then remembered until the next write).
        catalog_changed()
        api_client.get("/api/products?limit=1&color=red")  # the next offer boundary and the count
        with django_assert_num_queries(2):
            plain = api_client.get(f"/api/products?limit={limit}&color=red&sort=price_desc")
        with django_assert_num_queries(4):
            faceted = api_client.get(f"/api/products?limit={limit}&color=red&sort=price_desc&facets=true")
        with django_assert_num_queries(2):
            remembered = api_client.get(f"/api/products?limit={limit}&color=red&sort=name_asc&facets=true")
        assert faceted.json()["results"] == plain.json()["results"]
        assert "facets" not in plain.json()
        assert remembered.json()["facets"] == faceted.json()["facets"]


def test_facets_of_an_empty_result(api_client):
    body = api_client.get("/api/products?facets=true").json()

    assert body["facets"] == {"category": [], "color": [], "size": [], "price": {"min": None, "max": None}}
