"""Sizes, colours and quantities of cart and order lines: what the product accepts, the lines store."""

import pytest

from catalog.models import OPTION_MAX_LENGTH
from catalog.tests.factories import ProductFactory
from orders.models import CartItem, Order, OrderItem
from orders.services.lines import MAX_LINE_QUANTITY
from orders.tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


def _add(client, product, quantity=1, **options):
    return client.post("/api/cart/items", {"product_id": product.pk, "quantity": quantity, **options}, format="json")


def _order(client, product, quantity=1, **options):
    line = {"product_id": product.pk, "quantity": quantity, **options}
    return client.post("/api/orders", {"items": [line]}, format="json")


def _cart_lines(customer) -> list[tuple[int, str, str, int]]:
    lines = CartItem.objects.filter(cart__user=customer).order_by("id")
    return list(lines.values_list("product_id", "size", "color", "quantity"))


# --- one length for product options and line options ------------------------------------


def test_the_longest_option_a_product_accepts_can_be_ordered_and_read_back(staff_client, customer_client):
    size, color = "S" * OPTION_MAX_LENGTH, "é" * OPTION_MAX_LENGTH
    created = staff_client.post(
        "/api/products", {"name": "Coat", "price": "10.00", "quantity": 5, "sizes": [size], "colors": [color]}
    )
    assert created.status_code == 201
    product_id = created.json()["id"]

    added = customer_client.post(
        "/api/cart/items", {"product_id": product_id, "quantity": 1, "size": size.lower(), "color": color.upper()}
    )
    ordered = customer_client.post(
        "/api/orders", {"items": [{"product_id": product_id, "quantity": 1, "size": size, "color": color}]}
    )

    assert added.status_code == 201
    assert ordered.status_code == 201
    assert (added.json()["items"][0]["size"], added.json()["items"][0]["color"]) == (size, color)
    order = customer_client.get(f"/api/orders/{ordered.json()['order_id']}")
    assert order.status_code == 200
    assert (order.json()["items"][0]["size"], order.json()["items"][0]["color"]) == (size, color)
    assert customer_client.get("/api/cart").status_code == 200


def test_an_option_longer_than_the_limit_is_400_on_products_and_lines(staff_client, customer_client, customer):
    too_long = "S" * (OPTION_MAX_LENGTH + 1)
    product = ProductFactory()

    created = staff_client.post("/api/products", {"name": "Coat", "price": "10.00", "quantity": 5, "sizes": [too_long]})
    added = _add(customer_client, product, size=too_long)
    ordered = _order(customer_client, product, color=too_long)

    assert (created.status_code, created.json()["field"]) == (400, "sizes.0")
    assert (added.status_code, added.json()["field"]) == (400, "size")
    assert (ordered.status_code, ordered.json()["field"]) == (400, "items.0.color")
    assert _cart_lines(customer) == []
    assert not Order.objects.exists()


# --- a case-insensitive match that cannot lengthen the value ----------------------------


def test_sharp_s_does_not_match_a_double_s_option_twice_its_length(customer_client, customer):
    # casefold("ß" * 21) == casefold("SS" * 21): the match used to store the product's 42
    # letters for a 21-letter answer.
    product = ProductFactory(sizes=["SS" * 21], quantity=5)

    added = _add(customer_client, product, size="ß" * 21)
    ordered = _order(customer_client, product, size="ß" * 21)

    assert added.status_code == 400
    assert added.json() == {
        "error": f"{product.name} has no size {'ß' * 21!r}; choose one of: {'SS' * 21}.",
        "code": "invalid",
        "field": "size",
    }
    assert (ordered.status_code, ordered.json()["field"]) == (400, "items.0.size")
    assert _cart_lines(customer) == []
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.quantity == 5


def test_an_option_of_the_same_length_matches_in_any_case_and_stores_the_product_s_spelling(customer_client, customer):
    product = ProductFactory(sizes=["SS" * 21], colors=["ß-Blau"], quantity=5)

    added = _add(customer_client, product, size="ss" * 21, color="ẞ-BLAU")
    ordered = _order(customer_client, product, size="sS" * 21, color="ß-blau")

    assert added.status_code == 201
    assert ordered.status_code == 201
    assert _cart_lines(customer) == [(product.pk, "SS" * 21, "ß-Blau", 1)]
    assert list(OrderItem.objects.values_list("size", "color")) == [("SS" * 21, "ß-Blau")]
    assert customer_client.get("/api/cart").json()["items"][0]["size"] == "SS" * 21
    assert customer_client.get("/api/orders").status_code == 200


# --- the line quantity cap holds for merged cart lines -----------------------------------


def test_adding_to_a_cart_line_past_the_unit_cap_is_400_and_leaves_the_cart_alone(customer_client, customer):
    product = ProductFactory(quantity=50_000)
    assert _add(customer_client, product, quantity=9_000).status_code == 201

    response = _add(customer_client, product, quantity=1_001)

    assert response.status_code == 400
    assert response.json() == {
        "error": f"A line holds at most {MAX_LINE_QUANTITY} units; this one would hold 10001.",
        "code": "invalid",
        "field": "quantity",
    }
    assert _cart_lines(customer) == [(product.pk, "", "", 9_000)]
    assert _add(customer_client, product, quantity=1_000).status_code == 201
    assert _cart_lines(customer) == [(product.pk, "", "", MAX_LINE_QUANTITY)]


def test_merging_two_cart_lines_past_the_unit_cap_is_400_and_leaves_both(customer_client, customer):
    product = ProductFactory(quantity=50_000, sizes=["S", "M"])
    cart = CartFactory(user=customer)
    small = CartItemFactory(cart=cart, product=product, size="S", quantity=6_000)
    CartItemFactory(cart=cart, product=product, size="M", quantity=5_000)

    response = customer_client.patch(f"/api/cart/items/{small.pk}", {"size": "M"}, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "quantity")
    assert _cart_lines(customer) == [(product.pk, "S", "", 6_000), (product.pk, "M", "", 5_000)]


def test_a_product_option_stored_with_padding_is_copied_to_the_line_without_it(customer_client, customer):
    # The admin and old imports wrote options as typed; the line must never copy more than was matched.
    product = ProductFactory(sizes=[" M" + " " * OPTION_MAX_LENGTH], quantity=5)

    added = _add(customer_client, product, size="m")
    ordered = _order(customer_client, product, size="M")

    assert (added.status_code, ordered.status_code) == (201, 201)
    assert _cart_lines(customer) == [(product.pk, "M", "", 1)]
    assert list(OrderItem.objects.values_list("size", flat=True)) == ["M"]
