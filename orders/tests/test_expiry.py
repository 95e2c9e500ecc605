"""Unpaid orders expire: cancelled as "expired", stock back, unless money or a card payment is on its way."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from conftest import SHIPPING
from orders.models import Order, OrderEvent, OrderStatus
from orders.services.expiry import orders_expire
from orders.tasks import expire_orders
from payments.models import CardPaymentIntent, Payment
from payments.tests.stripe_helpers import deliver, pay
from shop.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ttl(settings):
    settings.ORDER_PENDING_TTL_MINUTES = 60
    settings.ORDER_PAYMENT_HOLD_MINUTES = 30


def _placed(client, quantity=3, minutes_ago=61):
    product = ProductFactory(price=Decimal("10.00"), quantity=10)
    response = client.post(
        "/api/orders",
        {"items": [{"product_id": product.pk, "quantity": quantity}], "shipping": SHIPPING},
        format="json",
    )
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["order_id"])
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return order, product


def test_an_old_unpaid_order_is_cancelled_as_expired_and_its_stock_returns(customer_client):
    order, product = _placed(customer_client)
    product.refresh_from_db()
    assert product.quantity == 7

    assert orders_expire() == 1

    order.refresh_from_db()
    product.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "expired")
    assert product.quantity == 10
    assert OrderEvent.objects.filter(order=order, type="expired").count() == 1
    body = customer_client.get(f"/api/orders/{order.pk}").json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "expired")


def test_a_young_order_is_kept(customer_client):
    order, _ = _placed(customer_client, minutes_ago=59)

    assert orders_expire() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_an_order_with_a_payment_is_kept(customer_client, staff_client):
    order, _ = _placed(customer_client)
    staff_client.post("/api/payments", {"order_id": order.pk, "amount": "5.00", "method": "cash"}, format="json")

    assert orders_expire() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_a_card_payment_in_progress_holds_the_order_until_it_ends(fake_stripe, customer_client):
    order, _ = _placed(customer_client)
    intent_id = pay(customer_client, order)["payment_intent_id"]

    kept = orders_expire()
    CardPaymentIntent.objects.filter(intent_id=intent_id).update(created_at=timezone.now() - timedelta(minutes=31))
    expired_after_the_hold = orders_expire()

    assert (kept, expired_after_the_hold) == (0, 1)


def test_a_failed_card_payment_no_longer_holds_the_order(fake_stripe, customer_client):
    order, _ = _placed(customer_client)
    intent = fake_stripe.intents[pay(customer_client, order)["payment_intent_id"]]
    deliver(fake_stripe, fake_stripe.event("payment_intent.payment_failed", intent))

    assert orders_expire() == 1


def test_a_payment_arriving_after_expiry_is_recorded_and_flagged(fake_stripe, customer_client, staff_client):
    order, product = _placed(customer_client)
    intent_id = pay(customer_client, order)["payment_intent_id"]
    CardPaymentIntent.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    orders_expire()

    response = deliver(fake_stripe, fake_stripe.succeed(intent_id))

    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.needs_attention) == ("cancelled", Decimal("30.00"), True)
    assert Payment.objects.get().order == order
    assert WebhookEvent.objects.filter(type="order.needs_attention").count() == 1
    flagged = staff_client.get("/api/orders?needs_attention=true").json()["results"]
    assert [row["id"] for row in flagged] == [order.pk]
    assert staff_client.get("/api/orders?needs_attention=false").json()["count"] == 0
    refund = staff_client.post(f"/api/orders/{order.pk}/refunds", {"amount": "30.00"}, format="json")
    assert refund.status_code == 201
    product.refresh_from_db()
    assert product.quantity == 10


def test_a_ttl_of_zero_never_expires(settings, customer_client):
    settings.ORDER_PENDING_TTL_MINUTES = 0
    _placed(customer_client, minutes_ago=100_000)

    assert orders_expire() == 0


def test_the_command_and_the_periodic_task_expire_orders(customer_client, settings):
    _placed(customer_client)
    _placed(customer_client)
    out = StringIO()

    call_command("expire_orders", stdout=out)

    assert out.getvalue().strip() == "Expired 2 unpaid orders."
    assert expire_orders.delay().get() == 0
    assert settings.CELERY_BEAT_SCHEDULE["expire-orders"]["task"] == "orders.tasks.expire_orders"
    assert settings.CELERY_BEAT_SCHEDULE["expire-orders"]["schedule"] == timedelta(minutes=1)
