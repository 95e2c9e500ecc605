from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import client_for
from orders.models import Order
from orders.tests.factories import CartFactory, CartItemFactory

# Hourly windows: a minute window ending mid-test would reset the counters.
pytestmark = pytest.mark.django_db

SHIPPING = {
    "full_name": "Grace Hopper",
    "address": "1 Navy Yard",
    "city": "Arlington",
    "postal_code": "22202",
    "country": "US",
}


def place_order(client, product):
    return client.post("/api/orders", {"items": [{"product_id": product.pk, "quantity": 1}]}, format="json")


def checkout(client, user, product):
    CartItemFactory(cart=CartFactory(user=user), product=product, quantity=1)
    return client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")


def test_orders_per_user_are_capped_across_orders_and_checkout(customer, customer_client, throttle_rates):
    throttle_rates(orders="3/hour")
    product = ProductFactory(price=Decimal("5.00"), quantity=50)
    assert place_order(customer_client, product).status_code == 201
    assert checkout(customer_client, customer, product).status_code == 201
    assert place_order(customer_client, product).status_code == 201

    refused_order = place_order(customer_client, product)
    refused_checkout = customer_client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")

    assert refused_order.status_code == 429
    assert refused_order.json()["code"] == "throttled"
    assert set(refused_order.json()) == {"error", "code"}
    assert 0 < int(refused_order.headers["Retry-After"]) <= 3600
    assert refused_checkout.status_code == 429
    assert Order.objects.filter(user=customer).count() == 3


def test_the_order_cap_is_per_user_not_per_address(customer_client, throttle_rates):
    throttle_rates(orders="1/hour")
    product = ProductFactory(price=Decimal("5.00"), quantity=50)
    assert place_order(customer_client, product).status_code == 201
    assert place_order(customer_client, product).status_code == 429

    # Same test client address, another account.
    response = place_order(client_for(UserFactory()), product)

    assert response.status_code == 201


def test_reading_orders_and_the_cart_does_not_use_up_the_order_cap(customer_client, throttle_rates):
    throttle_rates(orders="1/hour")
    product = ProductFactory(price=Decimal("5.00"), quantity=50)
    for _ in range(3):
        assert customer_client.get("/api/orders").status_code == 200
        assert customer_client.get("/api/cart").status_code == 200

    assert place_order(customer_client, product).status_code == 201


def test_the_storefront_can_read_when_to_retry(customer_client, throttle_rates, settings):
    throttle_rates(orders="1/hour")
    product = ProductFactory(price=Decimal("5.00"), quantity=50)
    origin = settings.CORS_ALLOWED_ORIGINS[0]
    place_order(customer_client, product)

    response = customer_client.post(
        "/api/orders", {"items": [{"product_id": product.pk, "quantity": 1}]}, format="json", HTTP_ORIGIN=origin
    )

    assert response.status_code == 429
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


def test_the_order_cap_follows_the_setting(customer_client, throttle_rates):
    throttle_rates(orders="2/hour")
    product = ProductFactory(price=Decimal("5.00"), quantity=50)
    statuses = [place_order(customer_client, product).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
