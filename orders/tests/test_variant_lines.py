"""Cart and order lines bound to variants: by variant_id or product + size + colour, priced and stocked per variant."""

from decimal import Decimal

import pytest

from catalog.models import Product, ProductVariant
from catalog.tests.factories import OfferFactory, ProductFactory
from conftest import SHIPPING
from orders.models import CartItem, OrderItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee(db) -> Product:
    """A tee in S/red, M/red (priced 30.00) and M/blue, 5 units each; its default variant replaced."""
    product = ProductFactory(name="Tee", sku="TEE", price=Decimal("20.00"), quantity=0)
    product.variants.all().delete()
    rows = [("S", "red", None, "TEE-S-R"), ("M", "red", Decimal("30.00"), "TEE-M-R"), ("M", "blue", None, None)]
    for size, color, price, sku in rows:
        ProductVariant.objects.create(product=product, size=size, color=color, price=price, sku=sku, quantity=5)
    Product.objects.filter(pk=product.pk).update(quantity=15, sizes=["S", "M"], colors=["red", "blue"])
    product.refresh_from_db()
    return product


def _variant(product: Product, size: str, color: str) -> ProductVariant:
    return product.variants.get(size=size, color=color)


def _stock(variant: ProductVariant) -> int:
    variant.refresh_from_db()
    return variant.quantity


def _order(client, *items):
    return client.post("/api/orders", {"items": list(items), "shipping": SHIPPING}, format="json")


# --- orders ------------------------------------------------------------------------


def test_an_order_line_by_variant_id_takes_that_variant_s_stock_and_shows_its_sku(customer_client, tee):
    medium_red = _variant(tee, "M", "red")

    response = _order(customer_client, {"variant_id": medium_red.pk, "quantity": 2})

    assert response.status_code == 201
    item = response.json()["order"]["items"][0]
    assert {key: item[key] for key in ("product_id", "variant_id", "sku", "size", "color", "unit_price")} == {
        "product_id": tee.pk,
        "variant_id": medium_red.pk,
        "sku": "TEE-M-R",
        "size": "M",
        "color": "red",
        "unit_price": "30.00",
    }
    assert _stock(medium_red) == 3
    assert [_stock(_variant(tee, "S", "red")), _stock(_variant(tee, "M", "blue"))] == [5, 5]
    assert Product.objects.get(pk=tee.pk).quantity == 13


def test_a_product_line_is_resolved_by_size_and_colour_case_insensitively(customer_client, tee):
    response = _order(customer_client, {"product_id": tee.pk, "quantity": 1, "size": "m", "color": "BLUE"})

    assert response.status_code == 201
    item = response.json()["order"]["items"][0]
    assert (item["variant_id"], item["size"], item["color"]) == (_variant(tee, "M", "blue").pk, "M", "blue")
    # A variant with no SKU of its own shows the product's.
    assert item["sku"] == "TEE"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"size": "XL", "color": "red"}, "items.0.size"),
        ({"size": "S", "color": "blue"}, "items.0.color"),
        ({"size": "M"}, "items.0.color"),
        ({"color": "red"}, "items.0.size"),
        ({}, "items.0.size"),
    ],
)
def test_a_product_line_matching_no_variant_or_several_is_400_naming_the_field(customer_client, tee, line, field):
    response = _order(customer_client, {"product_id": tee.pk, "quantity": 1, **line})

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not OrderItem.objects.exists()


def test_an_inactive_or_unknown_variant_is_400_naming_variant_id(customer_client, tee):
    gone = _variant(tee, "S", "red")
    ProductVariant.objects.filter(pk=gone.pk).update(is_active=False)

    inactive = _order(customer_client, {"variant_id": gone.pk, "quantity": 1})
    unknown = _order(customer_client, {"variant_id": 987654, "quantity": 1})
    other_product = _order(
        customer_client, {"product_id": ProductFactory().pk, "variant_id": _variant(tee, "M", "red").pk, "quantity": 1}
    )

    assert [r.status_code for r in (inactive, unknown, other_product)] == [400, 400, 400]
    assert {r.json()["field"] for r in (inactive, unknown, other_product)} == {"items.0.variant_id"}


def test_a_line_needs_a_product_or_a_variant(customer_client):
    response = _order(customer_client, {"quantity": 1})

    assert response.status_code == 400
    assert response.json()["field"] == "items.0.product_id"


def test_a_short_variant_is_409_even_when_its_siblings_have_stock(customer_client, tee):
    response = _order(customer_client, {"variant_id": _variant(tee, "S", "red").pk, "quantity": 6})

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"


def test_the_variant_price_takes_the_product_s_best_offer(customer_client, tee):
    OfferFactory(product=tee, discount_percentage=Decimal("50"))

    response = _order(customer_client, {"variant_id": _variant(tee, "M", "red").pk, "quantity": 2})

    item = response.json()["order"]["items"][0]
    assert (item["unit_price"], item["discount_percentage"], item["line_total"]) == ("30.00", "50.00", "30.00")


def test_editing_an_order_moves_variant_stock_and_cancelling_gives_it_back(customer_client, tee):
    small, medium = _variant(tee, "S", "red"), _variant(tee, "M", "red")
    order_id = _order(customer_client, {"variant_id": small.pk, "quantity": 2}).json()["order_id"]

    edited = customer_client.put(
        f"/api/orders/{order_id}", {"items": [{"variant_id": medium.pk, "quantity": 3}]}, format="json"
    )
    after_edit = (_stock(small), _stock(medium))
    cancelled = customer_client.patch(f"/api/orders/{order_id}", {"status": "cancelled"}, format="json")

    assert (edited.status_code, cancelled.status_code) == (200, 200)
    assert after_edit == (5, 2)
    assert (_stock(small), _stock(medium)) == (5, 5)
    assert Product.objects.get(pk=tee.pk).quantity == 15


def test_deleting_a_variant_keeps_the_order_line_snapshot(customer_client, staff_client, tee):
    medium = _variant(tee, "M", "red")
    order_id = _order(customer_client, {"variant_id": medium.pk, "quantity": 1}).json()["order_id"]
    staff_client.delete(f"/api/variants/{medium.pk}")

    item = customer_client.get(f"/api/orders/{order_id}").json()["items"][0]

    assert (item["variant_id"], item["sku"], item["size"], item["color"]) == (medium.pk, "TEE-M-R", "M", "red")


# --- cart ----------------------------------------------------------------------------


def test_cart_lines_bind_to_a_variant_and_merge_on_it(customer_client, tee):
    medium_red = _variant(tee, "M", "red")

    customer_client.post("/api/cart/items", {"variant_id": medium_red.pk, "quantity": 1}, format="json")
    response = customer_client.post(
        "/api/cart/items", {"product_id": tee.pk, "size": "M", "color": "Red", "quantity": 2}, format="json"
    )

    assert response.status_code == 201
    [line] = response.json()["items"]
    assert (line["variant_id"], line["sku"], line["quantity"], line["line_total"]) == (
        medium_red.pk,
        "TEE-M-R",
        3,
        "90.00",
    )


def test_cart_checks_the_variant_s_stock(customer_client, tee):
    response = customer_client.post(
        "/api/cart/items", {"variant_id": _variant(tee, "S", "red").pk, "quantity": 6}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "out_of_stock")


def test_cart_line_matching_several_variants_is_400_naming_the_field(customer_client, tee):
    response = customer_client.post("/api/cart/items", {"product_id": tee.pk, "size": "M", "quantity": 1})

    assert (response.status_code, response.json()["field"]) == (400, "color")


def test_changing_a_cart_line_s_options_moves_it_to_the_other_variant(customer_client, tee):
    added = customer_client.post(
        "/api/cart/items", {"variant_id": _variant(tee, "S", "red").pk, "quantity": 1}, format="json"
    )
    item_id = added.json()["items"][0]["id"]

    response = customer_client.patch(f"/api/cart/items/{item_id}", {"size": "M", "color": "blue"}, format="json")

    assert response.status_code == 200
    assert CartItem.objects.get().variant == _variant(tee, "M", "blue")


def test_checkout_reserves_per_variant(customer_client, tee):
    customer_client.post("/api/cart/items", {"variant_id": _variant(tee, "M", "blue").pk, "quantity": 4})

    response = customer_client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")

    assert response.status_code == 201
    assert response.json()["order"]["items"][0]["variant_id"] == _variant(tee, "M", "blue").pk
    assert _stock(_variant(tee, "M", "blue")) == 1


def test_a_seed_shaped_pool_still_takes_any_listed_option_on_one_stock(customer_client):
    product = ProductFactory(quantity=4, sizes=["S", "M"], colors=["Red"])
    pool = product.variants.get()

    first = _order(customer_client, {"product_id": product.pk, "quantity": 1, "size": "s", "color": "red"})
    second = customer_client.post(
        "/api/cart/items", {"product_id": product.pk, "quantity": 1, "size": "M", "color": "Red"}, format="json"
    )
    merged = customer_client.post(
        "/api/cart/items", {"variant_id": pool.pk, "quantity": 1, "size": "S", "color": "Red"}, format="json"
    )

    assert first.status_code == 201 and first.json()["order"]["items"][0]["variant_id"] == pool.pk
    assert second.status_code == 201
    # Two lines on one pool: the options stay in the merge key.
    assert [(line["size"], line["quantity"]) for line in merged.json()["items"]] == [("M", 1), ("S", 1)]
    assert _stock(pool) == 3
