"""The variants and stock routes of the contract, and the default-variant rule."""

from decimal import Decimal

import pytest

from catalog.models import Product, ProductVariant, StockAdjustment
from catalog.tests.factories import OfferFactory, ProductFactory, ProductVariantFactory
from orders.tests.factories import OrderItemFactory

pytestmark = pytest.mark.django_db


def _product(**kwargs) -> Product:
    return Product.objects.get(pk=ProductFactory(**kwargs).pk)


def _add(client, product, **body):
    return client.post(f"/api/products/{product.pk}/variants", {"quantity": 0, **body}, format="json")


def _fresh(product) -> Product:
    return Product.objects.get(pk=product.pk)


# --- GET /api/products/<id>/variants ------------------------------------------------


def test_anyone_lists_the_active_variants_as_a_bare_array_with_final_prices(api_client, staff_client):
    product = _product(price=Decimal("20.00"), quantity=0)
    OfferFactory(product=product, discount_percentage=Decimal("10"))
    _add(staff_client, product, size="M", sku="TEE-M", quantity=3)
    large = _add(staff_client, product, size="L", price="30.00", quantity=2).json()
    staff_client.patch(f"/api/variants/{large['id']}", {"is_active": False}, format="json")

    response = api_client.get(f"/api/products/{product.pk}/variants")

    assert response.status_code == 200
    assert [
        (item["size"], item["sku"], item["price"], item["final_price"], item["quantity"]) for item in response.json()
    ] == [("M", "TEE-M", None, "18.00", 3)]


def test_staff_also_see_inactive_variants(staff_client):
    product = _product(quantity=4)
    default = product.variants.get()
    OrderItemFactory(product=product)
    _add(staff_client, product, color="Red", quantity=1)

    listed = staff_client.get(f"/api/products/{product.pk}/variants/").json()

    assert [(item["id"], item["is_active"]) for item in listed] == [
        (default.pk, False),
        (listed[1]["id"], True),
    ]


def test_variants_of_a_disabled_or_unknown_product_are_404(api_client):
    product = _product(is_disabled=True)

    assert api_client.get(f"/api/products/{product.pk}/variants").status_code == 404
    assert api_client.get("/api/products/987654/variants").status_code == 404


# --- POST /api/products/<id>/variants -----------------------------------------------


def test_the_first_variant_with_options_replaces_the_default_one_without_its_stock(staff_client):
    product = _product(quantity=10, sizes=["S", "M"])
    default = product.variants.get()

    response = _add(staff_client, product, size="M", color="Red", sku="SKU-M-RED", price="25.00", quantity=4)

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("product_id", "sku", "size", "color", "price", "quantity", "is_active")} == {
        "product_id": product.pk,
        "sku": "SKU-M-RED",
        "size": "M",
        "color": "Red",
        "price": "25.00",
        "quantity": 4,
        "is_active": True,
    }
    assert not ProductVariant.objects.filter(pk=default.pk).exists()
    fresh = _fresh(product)
    assert (fresh.quantity, fresh.sizes, fresh.colors) == (4, ["M"], ["Red"])


def test_a_default_variant_named_by_orders_is_deactivated_not_deleted(staff_client):
    product = _product(quantity=10)
    default = product.variants.get()
    OrderItemFactory(product=product, variant=default)

    _add(staff_client, product, size="S", quantity=2)

    default.refresh_from_db()
    assert default.is_active is False and default.quantity == 10
    assert _fresh(product).quantity == 2


def test_a_product_with_several_variants_shows_their_sum_and_options(staff_client, api_client):
    product = _product(quantity=0)
    for size, color, quantity in (("S", "red", 1), ("M", "red", 2), ("M", "Blue", 3)):
        _add(staff_client, product, size=size, color=color, quantity=quantity)

    body = api_client.get(f"/api/products/{product.pk}").json()

    assert (body["quantity"], body["sizes"], body["colors"]) == (6, ["S", "M"], ["red", "Blue"])
    assert [(item["size"], item["color"]) for item in body["variants"]] == [("S", "red"), ("M", "red"), ("M", "Blue")]


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        ({"size": "M", "color": "Red"}, {"size": "m", "color": "RED"}, "size"),
        ({"size": "M", "sku": "AB-1"}, {"size": "L", "sku": "AB-1"}, "sku"),
    ],
)
def test_the_same_options_or_sku_twice_is_409(staff_client, first, second, field):
    product = _product()
    assert _add(staff_client, product, **first).status_code == 201

    response = _add(staff_client, product, **second)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("conflict", field)
    assert product.variants.filter(is_active=True).count() == 1


def test_the_options_of_an_inactive_variant_may_be_used_again(staff_client):
    product = _product()
    old = _add(staff_client, product, size="M").json()
    _add(staff_client, product, size="L")
    staff_client.patch(f"/api/variants/{old['id']}", {"is_active": False}, format="json")

    assert _add(staff_client, product, size="M").status_code == 201


def test_only_staff_add_variants(api_client, customer_client):
    product = _product()

    assert _add(api_client, product, size="M").status_code == 401
    assert _add(customer_client, product, size="M").status_code == 403


def test_a_variant_needs_its_quantity_and_sane_values(staff_client):
    product = _product()

    missing = staff_client.post(f"/api/products/{product.pk}/variants", {"size": "M"}, format="json")
    negative = _add(staff_client, product, size="M", quantity=-1)
    bad_price = _add(staff_client, product, size="M", price="-1.00")

    assert [r.status_code for r in (missing, negative, bad_price)] == [400, 400, 400]
    assert [r.json()["field"] for r in (missing, negative, bad_price)] == ["quantity", "quantity", "price"]


# --- PATCH, DELETE /api/variants/<id> -----------------------------------------------


def test_patch_changes_the_fields_sent(staff_client):
    product = _product()
    variant = _add(staff_client, product, size="M", quantity=3).json()

    response = staff_client.patch(f"/api/variants/{variant['id']}", {"price": "9.50", "sku": "NEW"}, format="json")

    assert response.status_code == 200
    assert (response.json()["price"], response.json()["sku"], response.json()["size"]) == ("9.50", "NEW", "M")


def test_deactivating_and_reactivating_moves_the_product_stock_and_options(staff_client):
    product = _product(quantity=0)
    small = _add(staff_client, product, size="S", quantity=2).json()
    _add(staff_client, product, size="L", quantity=5)

    staff_client.patch(f"/api/variants/{small['id']}", {"is_active": False}, format="json")
    after_off = _fresh(product)
    staff_client.patch(f"/api/variants/{small['id']}", {"is_active": True}, format="json")
    after_on = _fresh(product)

    assert (after_off.quantity, after_off.sizes) == (5, ["L"])
    assert (after_on.quantity, after_on.sizes) == (7, ["S", "L"])


def test_reactivating_a_variant_beside_a_lone_default_replaces_the_default(staff_client):
    product = _product(quantity=3)
    default = product.variants.get()
    small = ProductVariantFactory(product=product, size="S", quantity=2, is_active=False)

    response = staff_client.patch(f"/api/variants/{small.pk}", {"is_active": True}, format="json")

    assert response.status_code == 200
    assert not ProductVariant.objects.filter(pk=default.pk).exists()
    assert (_fresh(product).quantity, _fresh(product).sizes) == (2, ["S"])


def test_renaming_a_variant_onto_a_sibling_s_options_is_409(staff_client):
    product = _product()
    small = _add(staff_client, product, size="S").json()
    _add(staff_client, product, size="L")

    response = staff_client.patch(f"/api/variants/{small['id']}", {"size": "l"}, format="json")

    assert response.status_code == 409 and response.json()["field"] == "size"


def test_delete_removes_a_variant_no_order_names(staff_client):
    product = _product(quantity=0)
    small = _add(staff_client, product, size="S", quantity=2).json()
    _add(staff_client, product, size="L", quantity=5)

    response = staff_client.delete(f"/api/variants/{small['id']}")

    assert (response.status_code, response.json()) == (200, {"message": "Variant deleted"})
    assert not ProductVariant.objects.filter(pk=small["id"]).exists()
    assert (_fresh(product).quantity, _fresh(product).sizes) == (5, ["L"])


def test_delete_of_a_variant_orders_name_deactivates_it(staff_client):
    product = _product(quantity=0)
    small = _add(staff_client, product, size="S", quantity=2).json()
    _add(staff_client, product, size="L", quantity=5)
    OrderItemFactory(product=product, variant_id=small["id"])

    response = staff_client.delete(f"/api/variants/{small['id']}")

    assert response.status_code == 200
    assert ProductVariant.objects.get(pk=small["id"]).is_active is False
    assert _fresh(product).quantity == 5


def test_the_last_active_variant_cannot_be_deleted(staff_client):
    product = _product()

    response = staff_client.delete(f"/api/variants/{product.variants.get().pk}")

    assert response.status_code == 409
    assert product.variants.filter(is_active=True).exists()


def test_variant_writes_are_staff_only_and_404_for_unknown(customer_client, staff_client):
    variant = _product().variants.get()

    assert customer_client.patch(f"/api/variants/{variant.pk}", {"price": "1.00"}, format="json").status_code == 403
    assert customer_client.delete(f"/api/variants/{variant.pk}").status_code == 403
    assert customer_client.post(f"/api/variants/{variant.pk}/stock", {"delta": 1}, format="json").status_code == 403
    assert staff_client.patch("/api/variants/987654", {"price": "1.00"}, format="json").status_code == 404


# --- POST /api/variants/<id>/stock --------------------------------------------------


def test_stock_delta_adds_and_removes_units_and_logs_the_reason(staff_client, staff):
    variant = _product(quantity=5).variants.get()

    added = staff_client.post(f"/api/variants/{variant.pk}/stock", {"delta": 3, "reason": "delivery"}, format="json")
    removed = staff_client.post(f"/api/variants/{variant.pk}/stock", {"delta": -8}, format="json")

    assert (added.status_code, added.json()["quantity"]) == (200, 8)
    assert (removed.status_code, removed.json()["quantity"], removed.json()["in_stock"]) == (200, 0, False)
    assert _fresh(variant.product).quantity == 0
    assert list(StockAdjustment.objects.order_by("id").values_list("delta", "quantity_after", "reason", "actor")) == [
        (3, 8, "delivery", staff.pk),
        (-8, 0, "", staff.pk),
    ]


def test_stock_delta_below_zero_is_409_out_of_stock(staff_client):
    variant = _product(quantity=2).variants.get()

    response = staff_client.post(f"/api/variants/{variant.pk}/stock", {"delta": -3}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "out_of_stock"
    variant.refresh_from_db()
    assert variant.quantity == 2


def test_stock_count_with_a_stale_expected_quantity_is_409_stock_changed(staff_client):
    variant = _product(quantity=5).variants.get()
    staff_client.post(f"/api/variants/{variant.pk}/stock", {"delta": -1}, format="json")

    stale = staff_client.post(
        f"/api/variants/{variant.pk}/stock", {"quantity": 20, "expected_quantity": 5}, format="json"
    )
    fresh = staff_client.post(
        f"/api/variants/{variant.pk}/stock", {"quantity": 20, "expected_quantity": 4}, format="json"
    )

    assert stale.status_code == 409
    assert (stale.json()["code"], stale.json()["field"]) == ("stock_changed", "expected_quantity")
    assert (fresh.status_code, fresh.json()["quantity"]) == (200, 20)


def test_stock_count_without_expected_quantity_sets_it(staff_client):
    variant = _product(quantity=5).variants.get()

    response = staff_client.post(f"/api/variants/{variant.pk}/stock", {"quantity": 0}, format="json")

    assert (response.status_code, response.json()["quantity"]) == (200, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "delta"),
        ({"delta": 1, "quantity": 2}, "delta"),
        ({"delta": 1, "expected_quantity": 2}, "expected_quantity"),
    ],
)
def test_stock_needs_either_delta_or_quantity(staff_client, body, field):
    variant = _product().variants.get()

    response = staff_client.post(f"/api/variants/{variant.pk}/stock", body, format="json")

    assert (response.status_code, response.json()["field"]) == (400, field)


# --- the product's quantity under the default-variant rule --------------------------


def test_a_product_created_with_no_variants_gets_a_default_one_holding_its_stock(staff_client):
    response = staff_client.post("/api/products", {"name": "Mug", "price": "5.00", "quantity": 7}, format="json")

    variants = response.json()["product"]["variants"]
    assert [(item["size"], item["color"], item["quantity"]) for item in variants] == [("", "", 7)]


def test_product_quantity_writes_the_default_variant_through_the_stock_service(staff_client, staff):
    product = _product(quantity=7)

    response = staff_client.patch(f"/api/products/{product.pk}", {"quantity": 3}, format="json")

    assert response.status_code == 200
    assert response.json()["product"]["quantity"] == 3
    assert product.variants.get().quantity == 3
    assert StockAdjustment.objects.get().delta == -4


def test_product_quantity_of_a_product_with_several_variants_is_read_only(staff_client):
    product = _product(quantity=0)
    _add(staff_client, product, size="S", quantity=1)
    _add(staff_client, product, size="L", quantity=2)

    changed = staff_client.patch(f"/api/products/{product.pk}", {"quantity": 10}, format="json")
    same = staff_client.patch(f"/api/products/{product.pk}", {"quantity": 3, "name": "Tee"}, format="json")

    assert changed.status_code == 400
    assert changed.json()["field"] == "quantity" and "set stock per variant" in changed.json()["error"]
    assert same.status_code == 200 and _fresh(product).name == "Tee"


def test_variant_stock_counts_in_the_product_list(api_client, staff_client):
    product = _product(quantity=0)
    variant = _add(staff_client, product, size="S", quantity=1).json()
    staff_client.post(f"/api/variants/{variant['id']}/stock", {"delta": 4}, format="json")

    item = api_client.get("/api/products").json()["results"][0]

    assert (item["quantity"], item["in_stock"], item["variants"][0]["quantity"]) == (5, True, 5)


def test_sizes_of_a_product_with_several_variants_are_its_variants(staff_client):
    product = _product(quantity=0)
    _add(staff_client, product, size="S")
    _add(staff_client, product, size="L")

    changed = staff_client.patch(f"/api/products/{product.pk}", {"sizes": ["XS"]}, format="json")
    same = staff_client.patch(f"/api/products/{product.pk}", {"sizes": ["S", "L"]}, format="json")

    assert (changed.status_code, changed.json()["field"]) == (400, "sizes")
    assert same.status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_variants_list_costs_two_queries_whatever_its_length(api_client, django_assert_num_queries, count):
    product = _product(quantity=0)
    for n in range(count):
        ProductVariantFactory(product=product, size=f"S{n}")

    # The product with its best discount, then its variants.
    with django_assert_num_queries(2):
        response = api_client.get(f"/api/products/{product.pk}/variants")

    assert len(response.json()) == count + 1
