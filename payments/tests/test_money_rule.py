"""The rule "only the provider's verified webhook or staff record money", checked on every write route.

The routes come from the API schema, so a route added later is walked too. A customer sends
each of them bodies that try to record or fake money on their own unpaid order; afterwards no
payment or refund exists, nothing counts as paid and no order.paid event was written.
"""

import re
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from orders.models import Order
from orders.tests.factories import OrderFactory
from payments.models import Payment, Refund
from payments.tests.stripe_helpers import WEBHOOK_URL
from shop.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")


def _write_routes() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = [(method, path) for path, operations in schema["paths"].items() for method in operations]
    writes = [(method, path) for method, path in routes if method in WRITE_METHODS]
    # Deleting comes last (and not the caller's own account), so every other call is made signed in.
    return sorted(
        (route for route in writes if route != ("delete", "/api/auth/users/{id}")),
        key=lambda route: route[0] == "delete",
    )


def _money_bodies(order: Order) -> list[dict]:
    forged_event = {
        "id": "evt_forged",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": "pi_forged",
                "object": "payment_intent",
                "amount": 4000,
                "amount_received": 4000,
                "currency": "usd",
                "metadata": {"order_id": str(order.pk)},
            }
        },
    }
    return [
        {"order_id": order.pk, "amount": "40.00", "method": "card", "reference": "pi_forged"},
        {"order_id": order.pk, "amount": "40.00", "method": "cash"},
        {"status": "paid"},
        {"amount_paid": "40.00", "balance_due": "0.00", "status": "paid", "amount": "40.00"},
        {"amount": "40.00", "reason": "refund me", "payment_id": 1},
        forged_event,
    ]


def test_no_write_route_lets_a_customer_record_money(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    statuses: dict[str, set[int]] = {}

    for method, path in _write_routes():
        url = re.sub(r"\{[a-z_]*id\}", str(order.pk), path)
        for body in _money_bodies(order):
            headers = {"HTTP_STRIPE_SIGNATURE": "t=1,v1=" + "0" * 64} if path == WEBHOOK_URL else {}
            response = getattr(customer_client, method)(url, body, format="json", **headers)
            assert response.status_code < 500, (method, path, response.status_code)
            statuses.setdefault(f"{method} {path}", set()).add(response.status_code)

    assert not Payment.objects.exists()
    assert not Refund.objects.exists()
    # (The owner may delete their pending order on the way: the walk ends with its DELETE.)
    assert not Order.objects.filter(pk=order.pk, amount_paid__gt=0).exists()
    assert not Order.objects.filter(pk=order.pk, status="paid").exists()
    assert not WebhookEvent.objects.filter(type="order.paid").exists()
    # The walk reached the money routes and was turned away there.
    assert statuses["post /api/payments"] == {403}
    assert statuses["post /api/orders/{order_id}/refunds"] == {403}
    assert statuses[f"post {WEBHOOK_URL}"] == {400}
