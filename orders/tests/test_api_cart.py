from decimal import Decimal

import pytest

from catalog.tests.factories import OfferFactory, ProductFactory
from conftest import SHIPPING, client_for
from orders.models import CartItem, Order
from orders.tests.factories import CartFactory, CartItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/cart"),
        ("delete", "/api/cart"),
        ("post", "/api/cart/items"),
        ("patch", "/api/cart/items/1"),
        ("delete", "/api/cart/items/1"),
        ("post", "/api/cart/checkout"),
    ],
)
def test_cart_routes_need_authentication(api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_empty_cart_is_created_on_first_look(customer_client, customer):
    response = customer_client.get("/api/cart")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": customer.cart.pk,
        "items": [],
        "subtotal": "0.00",
        "discount_total": "0.00",
        "shipping_total": "0.00",
        "tax_total": "0.00",
        "total": "0.00",
        "coupon_code": None,
        "coupon_error": None,
        "shipping_method": None,
        "currency": "USD",
        "item_count": 0,
    }


def test_cart_lines_are_priced_with_the_discount_of_now(customer_client, customer):
    product = ProductFactory(name="Desk", slug="desk", price=Decimal("50.00"), quantity=7, image_cover="/m/desk.png")
    OfferFactory(product=product, discount_percentage=Decimal("20"))
    item = CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=3)
    CartItemFactory(cart=customer.cart, product=ProductFactory(price=Decimal("5.00")), quantity=1)

    body = customer_client.get("/api/cart/").json()

    assert body["items"][0] == {
        "id": item.pk,
        "product": {
            "id": product.pk,
            "name": "Desk",
            "slug": "desk",
            "price": "50.00",
            "final_price": "40.00",
            "discount_percentage": "20.00",
            "image_cover": "/m/desk.png",
            "in_stock": True,
            "quantity": 7,
        },
        "variant_id": product.variants.get().pk,
        "sku": "",
        "quantity": 3,
        "size": "",
        "color": "",
        "line_total": "120.00",
    }
    assert (body["total"], body["item_count"]) == ("125.00", 4)


def test_cart_costs_the_same_queries_whatever_its_size(customer, django_assert_num_queries):
    client = client_for(customer)
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart)
    client.get("/api/cart")

    with django_assert_num_queries(5) as one_line:
        client.get("/api/cart")
    for _ in range(15):
        OfferFactory(product=CartItemFactory(cart=cart).product)
    with django_assert_num_queries(len(one_line.captured_queries)):
        response = client.get("/api/cart")
    assert len(response.json()["items"]) == 16


def test_add_item_returns_the_cart_with_201(customer_client):
    product = ProductFactory(sizes=["S", "M"], colors=["Red"], quantity=5)

    response = customer_client.post(
        "/api/cart/items", {"product_id": product.pk, "quantity": 2, "size": "s", "color": "RED"}, format="json"
    )

    assert response.status_code == 201
    [line] = response.json()["items"]
    assert (line["product"]["id"], line["quantity"], line["size"], line["color"]) == (product.pk, 2, "S", "Red")


def test_add_same_item_twice_merges(customer_client):
    product = ProductFactory()

    customer_client.post("/api/cart/items/", {"product_id": product.pk, "quantity": 1}, format="json")
    response = customer_client.post("/api/cart/items/", {"product_id": product.pk, "quantity": 2}, format="json")

    assert [line["quantity"] for line in response.json()["items"]] == [3]


def test_add_above_stock_is_409(customer_client):
    product = ProductFactory(quantity=2, name="Rare vase")

    response = customer_client.post("/api/cart/items", {"product_id": product.pk, "quantity": 3}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"], body["available"]) == ("out_of_stock", "quantity", 2)
    assert "Rare vase" in body["error"]
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("disabled", [True, False])
def test_add_unknown_or_disabled_product_is_404(customer_client, disabled):
    product_id = ProductFactory(is_disabled=True).pk if disabled else 424242

    response = customer_client.post("/api/cart/items", {"product_id": product_id, "quantity": 1}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "Product not found", "code": "not_found", "field": "product_id"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"quantity": 1}, "product_id"),
        ({"product_id": "x", "quantity": 1}, "product_id"),
        ({"product_id": 1, "quantity": 0}, "quantity"),
        ({"product_id": 1, "quantity": -2}, "quantity"),
        ({"product_id": 1, "quantity": 1, "size": "x" * 61}, "size"),
    ],
)
def test_add_with_bad_input_is_400(customer_client, payload, field):
    response = customer_client.post("/api/cart/items", payload, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", field)


def test_add_with_a_size_the_product_lacks_is_400(customer_client):
    product = ProductFactory(sizes=["S"])

    response = customer_client.post(
        "/api/cart/items", {"product_id": product.pk, "quantity": 1, "size": "XXL"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "size"


def test_malformed_json_is_400(customer_client):
    response = customer_client.post("/api/cart/items", "{oops", content_type="application/json")

    assert response.status_code == 400


def test_patch_item_changes_quantity(customer_client, customer):
    item = CartItemFactory(cart=CartFactory(user=customer), quantity=1)

    response = customer_client.patch(f"/api/cart/items/{item.pk}", {"quantity": 4}, format="json")

    assert response.status_code == 200
    assert response.json()["items"][0]["quantity"] == 4


def test_patch_item_above_stock_is_409(customer_client, customer):
    item = CartItemFactory(cart=CartFactory(user=customer), product=ProductFactory(quantity=2))

    response = customer_client.patch(f"/api/cart/items/{item.pk}/", {"quantity": 3}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"


def test_patch_item_to_zero_is_400(customer_client, customer):
    item = CartItemFactory(cart=CartFactory(user=customer))

    response = customer_client.patch(f"/api/cart/items/{item.pk}", {"quantity": 0}, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_another_users_cart_item_is_404(customer_client, method):
    item = CartItemFactory()

    response = getattr(customer_client, method)(f"/api/cart/items/{item.pk}", {"quantity": 2}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "Cart item not found", "code": "not_found"}
    item.refresh_from_db()
    assert item.quantity == 1


def test_delete_item_returns_the_cart(customer_client, customer):
    cart = CartFactory(user=customer)
    gone, kept = CartItemFactory(cart=cart), CartItemFactory(cart=cart)

    response = customer_client.delete(f"/api/cart/items/{gone.pk}")

    assert response.status_code == 200
    assert [line["id"] for line in response.json()["items"]] == [kept.pk]


def test_delete_cart_empties_it(customer_client, customer):
    cart = CartFactory(user=customer)
    CartItemFactory.create_batch(2, cart=cart)
    other = CartItemFactory()

    response = customer_client.delete("/api/cart")

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert list(CartItem.objects.all()) == [other]


def test_checkout_creates_the_order_and_empties_the_cart(customer_client, customer):
    product = ProductFactory(price=Decimal("10.00"), quantity=5)
    CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=2)

    response = customer_client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert (body["message"], body["order_id"], body["status"]) == ("Order created", order.pk, "pending")
    assert body["order"]["shipping"] == SHIPPING
    assert body["order"]["total"] == "20.00"
    assert not CartItem.objects.exists()
    product.refresh_from_db()
    assert product.quantity == 3


def test_checkout_of_an_empty_cart_is_400(customer_client):
    response = customer_client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "cart_empty"


@pytest.mark.parametrize(
    ("shipping", "field"),
    [
        (None, "shipping"),
        ({**SHIPPING, "country": "XX"}, "shipping.country"),
        ({**SHIPPING, "city": ""}, "shipping.city"),
    ],
)
def test_checkout_validates_the_shipping_address(customer_client, customer, shipping, field):
    CartItemFactory(cart=CartFactory(user=customer))

    response = customer_client.post("/api/cart/checkout", {"shipping": shipping} if shipping else {}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert CartItem.objects.count() == 1


def test_checkout_short_of_stock_is_409_and_keeps_the_cart(customer_client, customer):
    cart = CartFactory(user=customer)
    CartItemFactory(cart=cart, product=ProductFactory(quantity=1), quantity=1)
    short = CartItemFactory(cart=cart, product=ProductFactory(quantity=0), quantity=1)

    response = customer_client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")

    assert response.status_code == 409
    assert response.json()["product_id"] == short.product_id
    assert CartItem.objects.count() == 2
    assert not Order.objects.exists()
