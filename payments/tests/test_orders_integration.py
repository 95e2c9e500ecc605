"""Payments against orders placed and managed through the orders API."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from conftest import SHIPPING
from orders.models import Order
from payments.models import Payment

pytestmark = pytest.mark.django_db


def _place(client, quantity=2):
    product = ProductFactory(price=Decimal("20.00"), quantity=10)
    payload = {"items": [{"product_id": product.pk, "quantity": quantity}], "shipping": SHIPPING}
    response = client.post("/api/orders", payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["order_id"]


def _pay(client, order_id, amount):
    return client.post("/api/payments", {"order_id": order_id, "amount": amount, "method": "card"}, format="json")


def test_paying_an_order_in_two_parts_moves_it_to_paid(customer_client, staff_client):
    order_id = _place(customer_client)

    _pay(staff_client, order_id, "15.00")
    halfway = customer_client.get(f"/api/orders/{order_id}").json()
    _pay(staff_client, order_id, "25.00")
    settled = customer_client.get(f"/api/orders/{order_id}").json()

    assert (halfway["status"], halfway["amount_paid"], halfway["balance_due"]) == ("pending", "15.00", "25.00")
    assert (settled["status"], settled["amount_paid"], settled["balance_due"]) == ("paid", "40.00", "0.00")
    assert [p["amount"] for p in customer_client.get(f"/api/orders/{order_id}/payments").json()["results"]] == [
        "25.00",
        "15.00",
    ]


def test_an_order_with_payments_cannot_be_deleted_but_can_be_cancelled(customer_client, staff_client):
    order_id = _place(customer_client)
    _pay(staff_client, order_id, "5.00")

    deleted = customer_client.delete(f"/api/orders/{order_id}")
    cancelled = customer_client.patch(f"/api/orders/{order_id}", {"status": "cancelled"}, format="json")

    assert deleted.status_code == 409
    assert deleted.json()["code"] == "order_has_payments"
    assert cancelled.status_code == 200
    assert Order.objects.filter(pk=order_id).exists()
    assert Payment.objects.filter(order_id=order_id).count() == 1


def test_a_cancelled_order_refuses_payment(customer_client, staff_client):
    order_id = _place(customer_client)
    customer_client.patch(f"/api/orders/{order_id}", {"status": "cancelled"}, format="json")

    response = _pay(staff_client, order_id, "5.00")

    assert response.status_code == 409
    assert response.json()["code"] == "order_cancelled"


def test_a_paid_order_counts_in_the_statistics(customer_client, staff_client):
    order_id = _place(customer_client, quantity=3)
    before = staff_client.get("/api/statistics/profit").json()
    _pay(staff_client, order_id, "60.00")

    after = staff_client.get("/api/statistics/profit").json()

    assert (before["revenue"], before["orders_count"]) == ("0.00", 0)
    assert (after["revenue"], after["cost"], after["orders_count"]) == ("60.00", "36.00", 1)
