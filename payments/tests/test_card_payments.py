"""Card payments end to end: the official stripe client against the local fake, events signed as Stripe does."""

import time
from decimal import Decimal

import pytest

from orders.models import OrderEvent, OrderStatus
from orders.tests.factories import OrderFactory
from payments.models import CardPaymentIntent, Payment, StripeEvent
from payments.tests.stripe_helpers import WEBHOOK_URL, deliver, pay
from shop.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def test_pay_creates_an_intent_for_the_balance_in_minor_units(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"), amount_paid=Decimal("10.50"))

    body = pay(customer_client, order)

    intent = fake_stripe.intents[body["payment_intent_id"]]
    assert body == {
        "provider": "stripe",
        "payment_intent_id": intent["id"],
        "client_secret": intent["client_secret"],
        "amount": "29.50",
        "currency": "USD",
    }
    assert (intent["amount"], intent["currency"], intent["metadata"]) == (2950, "usd", {"order_id": str(order.pk)})
    assert fake_stripe.posts("/v1/payment_intents")[0].idempotency_key == f"order-{order.pk}-pay-2950usd-0"
    assert CardPaymentIntent.objects.get().intent_id == intent["id"]
    assert not Payment.objects.exists()


def test_paying_twice_before_the_webhook_returns_the_same_intent(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer)

    first, second = pay(customer_client, order), pay(customer_client, order)

    assert first == second
    assert len(fake_stripe.intents) == 1
    assert CardPaymentIntent.objects.count() == 1


def test_a_changed_balance_gets_a_new_intent(fake_stripe, customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    first = pay(customer_client, order)
    staff_client.post("/api/payments", {"order_id": order.pk, "amount": "15.00", "method": "cash"}, format="json")

    second = pay(customer_client, order)

    assert second["payment_intent_id"] != first["payment_intent_id"]
    assert second["amount"] == "25.00"


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.CANCELLED])
def test_an_order_that_is_not_payable_answers_409(fake_stripe, customer, customer_client, status):
    order = OrderFactory(user=customer, status=status)

    response = customer_client.post(f"/api/orders/{order.pk}/pay")

    assert response.status_code == 409
    assert response.json()["code"] == "order_not_payable"
    assert not fake_stripe.requests


def test_another_customers_order_answers_404(fake_stripe, customer_client):
    response = customer_client.post(f"/api/orders/{OrderFactory().pk}/pay")

    assert response.status_code == 404
    assert not fake_stripe.requests


def test_without_a_stripe_key_the_card_routes_answer_501(settings, customer, customer_client):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    order = OrderFactory(user=customer)

    paid = customer_client.post(f"/api/orders/{order.pk}/pay")
    hook = customer_client.post(WEBHOOK_URL, {}, format="json", HTTP_STRIPE_SIGNATURE="t=1,v1=00")

    assert (paid.status_code, paid.json()["code"]) == (501, "not_configured")
    assert (hook.status_code, hook.json()["code"]) == (501, "not_configured")


@pytest.mark.parametrize("failure", ["500", "timeout"])
def test_stripe_failing_on_intent_creation_answers_502_and_writes_nothing(
    fake_stripe, settings, customer, customer_client, failure
):
    order = OrderFactory(user=customer)
    if failure == "500":
        fake_stripe.fail_with(500)
    else:
        settings.STRIPE_TIMEOUT_SECONDS = 0.2
        fake_stripe.delay = 0.5

    response = customer_client.post(f"/api/orders/{order.pk}/pay")

    assert response.status_code == 502
    assert response.json()["code"] == "upstream_error"
    assert set(response.json()) == {"error", "code"}
    assert not CardPaymentIntent.objects.exists()
    assert not OrderEvent.objects.filter(order=order).exists()


def test_a_succeeded_intent_records_the_card_payment_and_marks_the_order_paid(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    intent_id = pay(customer_client, order)["payment_intent_id"]

    response = deliver(fake_stripe, fake_stripe.succeed(intent_id))

    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.method, payment.reference, payment.amount, payment.created_by) == (
        "card",
        intent_id,
        Decimal("40.00"),
        None,
    )
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.needs_attention) == (OrderStatus.PAID, Decimal("40.00"), False)
    assert WebhookEvent.objects.filter(type="order.paid").count() == 1
    assert CardPaymentIntent.objects.get().status == "succeeded"


def test_a_replayed_event_records_one_payment(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer)
    event = fake_stripe.succeed(pay(customer_client, order)["payment_intent_id"])

    responses = [deliver(fake_stripe, event) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    assert WebhookEvent.objects.filter(type="order.paid").count() == 1


def test_two_events_for_one_intent_record_one_payment(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer)
    intent_id = pay(customer_client, order)["payment_intent_id"]
    event = fake_stripe.succeed(intent_id)

    deliver(fake_stripe, event)
    deliver(fake_stripe, {**event, "id": "evt_other"})

    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.amount_paid == Decimal("40.00")


def test_the_amount_recorded_is_what_stripe_received(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    intent_id = pay(customer_client, order)["payment_intent_id"]

    response = deliver(fake_stripe, fake_stripe.succeed(intent_id, amount_received=3000))

    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.amount_paid, order.status, order.needs_attention) == (Decimal("30.00"), "pending", True)
    assert StripeEvent.objects.get().needs_attention
    assert OrderEvent.objects.filter(order=order, type="needs_attention").exists()
    assert WebhookEvent.objects.filter(type="order.needs_attention").count() == 1


def test_an_event_for_an_unknown_order_is_kept_for_staff_and_answered_200(fake_stripe):
    event = fake_stripe.event(
        "payment_intent.succeeded",
        {"id": "pi_x", "amount": 500, "amount_received": 500, "currency": "usd", "metadata": {"order_id": "999999"}},
    )

    response = deliver(fake_stripe, event)

    assert response.status_code == 200
    assert not Payment.objects.exists()
    recorded = StripeEvent.objects.get()
    assert recorded.needs_attention and "names no order" in recorded.note


def test_a_failed_payment_is_logged_on_the_order(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer)
    intent = fake_stripe.intents[pay(customer_client, order)["payment_intent_id"]]
    failed = {**intent, "last_payment_error": {"message": "Your card was declined."}}

    response = deliver(fake_stripe, fake_stripe.event("payment_intent.payment_failed", failed))

    assert response.status_code == 200
    event = OrderEvent.objects.get(order=order, type="payment_failed")
    assert "declined" in event.message
    assert CardPaymentIntent.objects.get().status == "failed"
    assert not Payment.objects.exists()


def test_an_event_it_does_not_handle_is_answered_200(fake_stripe):
    response = deliver(fake_stripe, fake_stripe.event("customer.created", {"id": "cus_1"}))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_wrong"},
        {"timestamp": int(time.time()) - 301},
    ],
    ids=["wrong-secret", "older-than-5-minutes"],
)
def test_a_wrong_or_stale_signature_answers_400_and_records_nothing(fake_stripe, customer, customer_client, signing):
    order = OrderFactory(user=customer)
    event = fake_stripe.succeed(pay(customer_client, order)["payment_intent_id"])

    response = deliver(fake_stripe, event, **signing)

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_signature_invalid"
    assert not Payment.objects.exists()
    assert not StripeEvent.objects.exists()


def test_a_missing_signature_or_a_tampered_body_answers_400(fake_stripe, api_client, customer, customer_client):
    order = OrderFactory(user=customer)
    event = fake_stripe.succeed(pay(customer_client, order)["payment_intent_id"])
    payload, signature = fake_stripe.signed_event(event)

    unsigned = api_client.generic("POST", WEBHOOK_URL, payload, content_type="application/json")
    tampered = api_client.generic(
        "POST",
        WEBHOOK_URL,
        payload.replace(b'"amount_received": 4000', b'"amount_received": 9000'),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )

    assert (unsigned.status_code, tampered.status_code) == (400, 400)
    assert not Payment.objects.exists()


def test_an_intent_canceled_at_stripe_is_replaced_by_a_new_one(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer)
    first = pay(customer_client, order)
    fake_stripe.intents[first["payment_intent_id"]]["status"] = "canceled"

    second = pay(customer_client, order)

    assert second["payment_intent_id"] != first["payment_intent_id"]
    assert CardPaymentIntent.objects.get(intent_id=first["payment_intent_id"]).status == "canceled"
