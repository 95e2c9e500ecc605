from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import SHIPPING, client_for
from orders.models import Order
from orders.tests.factories import CartFactory, CartItemFactory

# Hourly windows on a held clock: a window ending mid-test would reset the counters.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


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


# --- assistant ----------------------------------------------------------------------

CHAT = "/api/assistant/chat"


def chat(client, address: str, url: str = CHAT):
    # No OPENAI_API_KEY in tests: an admitted turn is a 501, a refused one a 429 before any model call.
    return client.post(url, {"prompt": "Which lamp suits a desk?"}, format="json", REMOTE_ADDR=address)


def test_anonymous_assistant_turns_are_capped_per_address(api_client, throttle_rates):
    throttle_rates(assistant="2/hour")

    statuses = [chat(api_client, "10.0.0.1").status_code for _ in range(3)]
    refused = chat(api_client, "10.0.0.1")

    assert statuses == [501, 501, 429]
    assert (refused.json()["code"], set(refused.json())) == ("throttled", {"error", "code"})
    assert chat(api_client, "10.0.0.2").status_code == 501


def test_signed_in_assistant_turns_are_capped_per_user_whatever_the_address(
    customer_client, api_client, throttle_rates
):
    throttle_rates(assistant="2/hour")
    assert chat(customer_client, "10.0.0.1").status_code == 501
    assert chat(customer_client, "10.0.0.2").status_code == 501

    assert chat(customer_client, "10.0.0.3").status_code == 429
    # The user's turns are not the address's: an anonymous visitor there still gets through.
    assert chat(api_client, "10.0.0.1").status_code == 501


def test_the_assistant_alias_shares_the_cap(api_client, throttle_rates):
    throttle_rates(assistant="1/hour")
    assert chat(api_client, "10.0.0.1").status_code == 501

    assert chat(api_client, "10.0.0.1", url="/api/opnai/chat").status_code == 429


def test_a_forged_forwarded_for_does_not_reset_an_anonymous_count(api_client, throttle_rates):
    throttle_rates(assistant="2/hour")

    statuses = [
        api_client.post(CHAT, {"prompt": "hi"}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [501, 501, 429]


def test_behind_one_proxy_the_client_address_comes_from_forwarded_for(api_client, throttle_rates, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    throttle_rates(assistant="1/hour")

    def through_proxy(client_address):
        # The proxy appends the address it saw; anything before it is the client's claim.
        forwarded = f"198.51.100.7, {client_address}"
        return api_client.post(CHAT, {"prompt": "hi"}, format="json", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [through_proxy("203.0.113.1"), through_proxy("203.0.113.1"), through_proxy("203.0.113.2")] == [501, 429, 501]
