"""Coupon limits under simultaneous checkouts on MariaDB/MySQL: real threads, real connections, real row locks."""

from collections import Counter

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import SHIPPING, client_for
from orders.models import Cart, CartItem, Coupon, CouponCustomerUse, Order, OrderItem
from orders.tests.factories import CouponFactory
from shop.tests.races import race

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_order_cap(throttle_rates):
    throttle_rates(orders="100000/min")


def _outcome(result) -> tuple:
    if not isinstance(result, tuple):
        return ("crashed", repr(result))
    status, body = result
    return (status, body.get("reason") if status == 400 else None)


def test_twenty_checkouts_with_a_coupon_limited_to_five_redeem_it_exactly_five_times():
    # given 20 customers, each with their own product in the cart and the coupon applied
    coupon = CouponFactory(code="FIVE", usage_limit=5)
    customers = [UserFactory() for _ in range(20)]
    products = [ProductFactory(quantity=3) for _ in customers]
    clients = [client_for(customer) for customer in customers]
    for client, product in zip(clients, products, strict=True):
        client.post("/api/cart/items", {"product_id": product.pk, "quantity": 1}, format="json")
        assert client.post("/api/cart/coupon", {"code": "five"}, format="json").status_code == 200

    # when they all check out at once
    def checkout(client):
        response = client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")
        return response.status_code, response.json()

    results = race([lambda client=client: checkout(client) for client in clients])

    # then exactly five orders carry the coupon, and the others changed nothing
    assert Counter(_outcome(result) for result in results) == {(201, None): 5, (400, "used_up"): 15}
    coupon.refresh_from_db()
    assert coupon.times_used == 5
    assert list(Order.objects.values_list("coupon_code", flat=True)) == ["FIVE"] * 5
    assert OrderItem.objects.count() == 5
    winners = {body["order"]["user_id"] for status, body in results if status == 201}
    for customer, product in zip(customers, products, strict=True):
        product.refresh_from_db()
        won = customer.pk in winners
        assert product.quantity == (2 if won else 3)
        assert CartItem.objects.filter(cart__user=customer).count() == (0 if won else 1)
        assert Cart.objects.get(user=customer).coupon_id == (None if won else coupon.pk)


@pytest.mark.parametrize(("limit", "racing"), [(1, 2), (2, 4)])
def test_one_customer_racing_checkouts_redeems_only_their_own_limit(limit, racing):
    coupon = CouponFactory(code="MINE", per_customer_limit=limit)
    customer = UserFactory()
    products = [ProductFactory(quantity=3) for _ in range(racing)]

    def place(product):
        response = client_for(customer).post(
            "/api/orders",
            {"items": [{"product_id": product.pk, "quantity": 1}], "shipping": SHIPPING, "coupon_code": "mine"},
            format="json",
        )
        return response.status_code, response.json()

    results = race([lambda product=product: place(product) for product in products])

    outcomes = Counter(_outcome(result) for result in results)
    assert outcomes == {(201, None): limit, (400, "already_used"): racing - limit}
    coupon.refresh_from_db()
    assert coupon.times_used == limit
    assert CouponCustomerUse.objects.get(coupon=coupon, user=customer).times_used == limit
    assert Order.objects.filter(user=customer, coupon_code="MINE").count() == limit
    assert Coupon.objects.count() == 1
