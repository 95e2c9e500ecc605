"""Refunds of manual and card payments, and cancelling paid orders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import OrderEvent, OrderStatus
from orders.tests.factories import OrderFactory, OrderItemFactory
from payments.models import IdempotencyKey, Payment, Refund, StripeEvent
from payments.services.idempotency import IDEMPOTENCY_LOCK_TIMEOUT, request_fingerprint
from payments.tasks import resume_unconfirmed_refunds
from payments.tests.factories import IdempotencyKeyFactory
from payments.tests.stripe_helpers import deliver, pay
from shop.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def _paid_manually(staff_client, order, amount="40.00"):
    response = staff_client.post(
        "/api/payments", {"order_id": order.pk, "amount": amount, "method": "cash"}, format="json"
    )
    assert response.status_code == 201
    return response.json()["id"]


def _paid_by_card(fake_stripe, customer_client, order):
    intent_id = pay(customer_client, order)["payment_intent_id"]
    assert deliver(fake_stripe, fake_stripe.succeed(intent_id)).status_code == 200
    return Payment.objects.get(stripe_payment_intent=intent_id)


def _refund(client, order, amount, **extra):
    return client.post(
        f"/api/orders/{order.pk}/refunds", {"amount": amount, "reason": "damaged"} | extra, format="json"
    )


def test_partial_then_full_refund_of_a_manual_payment(staff_client, customer):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    payment_id = _paid_manually(staff_client, order)

    partial = _refund(staff_client, order, "15.00")
    rest = _refund(staff_client, order, "25.00")

    assert partial.status_code == rest.status_code == 201
    refund = Refund.objects.get(pk=partial.json()["id"])
    assert partial.json() == {
        "id": refund.pk,
        "order_id": order.pk,
        "payment_id": payment_id,
        "amount": "15.00",
        "reason": "damaged",
        "status": "succeeded",
        "created_at": refund.created_at.isoformat().replace("+00:00", "Z"),
    }
    order.refresh_from_db()
    assert (order.amount_paid, order.amount_refunded, order.balance_due) == (
        Decimal("40.00"),
        Decimal("40.00"),
        Decimal("40.00"),
    )
    assert WebhookEvent.objects.filter(type="order.refunded").count() == 2
    assert OrderEvent.objects.filter(order=order, type="refund").count() == 2


def test_over_refund_answers_400_and_records_nothing(staff_client):
    order = OrderFactory(total=Decimal("40.00"))
    _paid_manually(staff_client, order)
    _refund(staff_client, order, "30.00")

    response = _refund(staff_client, order, "10.01")

    assert response.status_code == 400
    assert response.json() == {
        "error": "The amount exceeds what can still be refunded (10.00).",
        "code": "refund_exceeds_paid",
        "field": "amount",
        "refundable": "10.00",
    }
    assert Refund.objects.count() == 1


def test_refunds_are_for_staff_and_the_owner_reads_them(customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_manually(staff_client, order)
    _refund(staff_client, order, "5.00")

    refused = _refund(customer_client, order, "5.00")
    listed = customer_client.get(f"/api/orders/{order.pk}/refunds")
    other = customer_client.get(f"/api/orders/{OrderFactory().pk}/refunds")

    assert refused.status_code == 403
    assert listed.status_code == 200
    assert [refund["amount"] for refund in listed.json()["results"]] == ["5.00"]
    assert other.status_code == 404
    assert Refund.objects.count() == 1


def test_the_same_idempotency_key_refunds_once(staff_client):
    order = OrderFactory(total=Decimal("40.00"))
    _paid_manually(staff_client, order)

    first = staff_client.post(
        f"/api/orders/{order.pk}/refunds", {"amount": "5.00"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    again = staff_client.post(
        f"/api/orders/{order.pk}/refunds", {"amount": "5.00"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Refund.objects.count() == 1


def test_a_card_refund_goes_through_stripe(fake_stripe, customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    payment = _paid_by_card(fake_stripe, customer_client, order)

    response = _refund(staff_client, order, "12.50")

    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    [stripe_refund] = fake_stripe.refunds.values()
    assert (stripe_refund["payment_intent"], stripe_refund["amount"]) == (payment.stripe_payment_intent, 1250)
    refund = Refund.objects.get()
    assert stripe_refund["metadata"] == {"order_id": str(order.pk), "refund_id": str(refund.pk)}
    assert fake_stripe.posts("/v1/refunds")[0].idempotency_key == f"refund-{refund.pk}"
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("12.50")


def test_a_card_refund_stays_pending_until_its_webhook_settles_it(fake_stripe, customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_by_card(fake_stripe, customer_client, order)
    fake_stripe.refund_status = "pending"

    response = _refund(staff_client, order, "40.00")
    while_pending = _refund(staff_client, order, "0.01")
    order.refresh_from_db()
    refunded_before = order.amount_refunded
    [stripe_refund] = fake_stripe.refunds.values()
    settled = deliver(fake_stripe, fake_stripe.event("refund.updated", {**stripe_refund, "status": "succeeded"}))

    assert response.json()["status"] == "pending"
    assert while_pending.status_code == 400
    assert refunded_before == Decimal("0.00")
    assert settled.status_code == 200
    refund = Refund.objects.get()
    assert (refund.status, refund.stripe_refund_id) == ("succeeded", stripe_refund["id"])
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("40.00")
    assert WebhookEvent.objects.filter(type="order.refunded").count() == 1


def test_a_failed_card_refund_gives_the_amount_back(fake_stripe, customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_by_card(fake_stripe, customer_client, order)
    fake_stripe.refund_status = "pending"
    _refund(staff_client, order, "40.00")
    [stripe_refund] = fake_stripe.refunds.values()

    deliver(fake_stripe, fake_stripe.event("refund.updated", {**stripe_refund, "status": "failed"}))

    assert Refund.objects.get().status == "failed"
    assert _refund(staff_client, order, "40.00").status_code == 201


def test_stripe_failing_on_a_refund_answers_502_and_keeps_nothing(fake_stripe, customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_by_card(fake_stripe, customer_client, order)
    fake_stripe.fail_with(500)

    response = staff_client.post(
        f"/api/orders/{order.pk}/refunds", {"amount": "10.00"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    fake_stripe.fail_with(None)
    retried = staff_client.post(
        f"/api/orders/{order.pk}/refunds", {"amount": "10.00"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )

    assert (response.status_code, response.json()["code"]) == (502, "upstream_error")
    assert retried.status_code == 201
    assert Refund.objects.count() == 1
    # The failed attempt left no timeline line; the retry wrote its own.
    assert OrderEvent.objects.filter(order=order, type="refund", data__status="pending").count() == 1


def test_staff_cancelling_a_paid_order_refunds_it(staff_client, customer):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_manually(staff_client, order, "15.00")
    _paid_manually(staff_client, order, "25.00")

    response = staff_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["cancel_reason"], body["amount_refunded"]) == ("cancelled", "requested", "40.00")
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [Decimal("15.00"), Decimal("25.00")]


def test_staff_may_cancel_without_refunding(staff_client):
    order = OrderFactory(total=Decimal("40.00"))
    _paid_manually(staff_client, order)

    response = staff_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled", "refund": False}, format="json")

    assert response.status_code == 200
    assert response.json()["amount_refunded"] == "0.00"
    assert not Refund.objects.exists()


def test_the_owner_cancelling_a_paid_card_order_is_refunded_by_stripe(fake_stripe, customer, customer_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_by_card(fake_stripe, customer_client, order)

    response = customer_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled"}, format="json")
    no_refund = customer_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled", "refund": False})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["amount_refunded"]) == ("cancelled", "40.00")
    assert len(fake_stripe.refunds) == 1
    assert no_refund.status_code == 403


def test_the_owner_cannot_cancel_once_processing(customer, customer_client):
    order = OrderFactory(user=customer, status=OrderStatus.PROCESSING)

    response = customer_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "order_locked"
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING


def test_statistics_count_revenue_net_of_refunds(staff_client):
    order = OrderItemFactory(unit_price=Decimal("20.00"), quantity=2).order
    _paid_manually(staff_client, order)
    before = staff_client.get("/api/statistics/profit").json()["revenue"]

    _refund(staff_client, order, "15.00")

    assert (before, staff_client.get("/api/statistics/profit").json()["revenue"]) == ("40.00", "25.00")
    assert [row["revenue"] for row in staff_client.get("/api/statistics/sales").json()] == ["25.00"]


def test_charge_refunded_settles_a_pending_card_refund(fake_stripe, customer, customer_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    payment = _paid_by_card(fake_stripe, customer_client, order)
    fake_stripe.refund_status = "pending"
    _refund(staff_client, order, "10.00")
    [stripe_refund] = fake_stripe.refunds.values()
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": payment.stripe_payment_intent,
        "amount_refunded": 1000,
        "refunds": {"object": "list", "data": [{**stripe_refund, "status": "succeeded"}]},
    }

    response = deliver(fake_stripe, fake_stripe.event("charge.refunded", charge))

    assert response.status_code == 200
    assert Refund.objects.get().status == "succeeded"
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("10.00")


def test_a_refund_made_outside_the_shop_is_kept_for_staff(fake_stripe):
    refund = {"id": "re_dashboard", "object": "refund", "amount": 500, "status": "succeeded", "metadata": {}}

    response = deliver(fake_stripe, fake_stripe.event("refund.updated", refund))

    assert response.status_code == 200
    assert StripeEvent.objects.get().needs_attention


def _refund_keyed(client, order, amount, key="r-1"):
    return client.post(
        f"/api/orders/{order.pk}/refunds",
        {"amount": amount, "reason": "damaged"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _paid_by_card_before_stripe_loses_an_answer(fake_stripe, customer, customer_client):
    """An order paid 40.00 by card; Stripe will carry out the next request and lose its answer."""
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_by_card(fake_stripe, customer_client, order)
    fake_stripe.drop_answers = 1
    return order


def _refunded_once_at_stripe(fake_stripe, order, amount: Decimal) -> Refund:
    """One refund at Stripe and one here, for `amount`, every request to Stripe carrying the row's key."""
    [stripe_refund] = fake_stripe.refunds.values()
    refund = Refund.objects.get()
    assert (refund.amount, refund.stripe_refund_id) == (amount, stripe_refund["id"])
    assert stripe_refund["amount"] == int(amount * 100)
    assert {request.idempotency_key for request in fake_stripe.posts("/v1/refunds")} == {f"refund-{refund.pk}"}
    order.refresh_from_db()
    assert order.amount_refunded == amount
    assert WebhookEvent.objects.filter(type="order.refunded").count() == 1
    return refund


def test_a_retry_after_stripe_refunded_but_its_answer_was_lost_refunds_once(
    fake_stripe, customer, customer_client, staff_client
):
    # given: Stripe will refund, then the connection drops before its answer reaches the shop
    order = _paid_by_card_before_stripe_loses_an_answer(fake_stripe, customer, customer_client)

    # when
    lost = _refund_keyed(staff_client, order, "10.00")
    retried = _refund_keyed(staff_client, order, "10.00")

    # then: the refund stayed pending (holding its amount), and the retry finished it
    assert (lost.status_code, lost.json()["code"]) == (502, "upstream_error")
    assert retried.status_code == 201
    assert retried.json()["status"] == "succeeded"
    assert len(fake_stripe.posts("/v1/refunds")) == 2
    refund = _refunded_once_at_stripe(fake_stripe, order, Decimal("10.00"))
    assert retried.json()["id"] == refund.pk
    assert OrderEvent.objects.filter(order=order, type="refund", data__status="pending").count() == 1


def test_a_retry_after_the_process_died_waiting_for_stripe_refunds_once(
    fake_stripe, customer, customer_client, staff, staff_client
):
    # given: Stripe refunded, its answer never arrived, and the process holding the key died with it
    order = _paid_by_card_before_stripe_loses_an_answer(fake_stripe, customer, customer_client)
    assert _refund_keyed(staff_client, order, "10.00").status_code == 502
    request_hash = request_fingerprint(
        method="POST",
        path=f"/api/orders/{order.pk}/refunds",
        payload={"amount": Decimal("10.00"), "reason": "damaged"},
    )
    stale = timezone.now() - IDEMPOTENCY_LOCK_TIMEOUT - timedelta(seconds=1)
    IdempotencyKeyFactory(user=staff, key="r-1", request_hash=request_hash, locked_at=stale)

    # when: the client retries once the claim is stale
    retried = _refund_keyed(staff_client, order, "10.00")

    # then
    assert (retried.status_code, retried.json()["status"]) == (201, "succeeded")
    assert IdempotencyKey.objects.get().response_status == 201
    _refunded_once_at_stripe(fake_stripe, order, Decimal("10.00"))


def test_a_refund_whose_answer_was_lost_is_settled_by_its_webhook_without_a_retry(
    fake_stripe, customer, customer_client, staff_client
):
    order = _paid_by_card_before_stripe_loses_an_answer(fake_stripe, customer, customer_client)
    lost = _refund(staff_client, order, "10.00")
    pending = Refund.objects.get()
    [stripe_refund] = fake_stripe.refunds.values()

    settled = deliver(fake_stripe, fake_stripe.event("refund.updated", stripe_refund))

    assert (lost.status_code, pending.status) == (502, "pending")
    assert settled.status_code == 200
    assert not StripeEvent.objects.get(type="refund.updated").needs_attention
    assert Refund.objects.get().status == "succeeded"
    _refunded_once_at_stripe(fake_stripe, order, Decimal("10.00"))


def test_a_lost_refund_older_than_stripes_idempotency_window_is_not_asked_again(
    fake_stripe, customer, customer_client, staff_client
):
    order = _paid_by_card_before_stripe_loses_an_answer(fake_stripe, customer, customer_client)
    _refund_keyed(staff_client, order, "10.00")
    Refund.objects.update(created_at=timezone.now() - timedelta(hours=25))

    retried = _refund_keyed(staff_client, order, "10.00")

    assert (retried.status_code, retried.json()["status"]) == (201, "pending")
    assert len(fake_stripe.posts("/v1/refunds")) == 1


def test_a_refund_stripe_is_still_working_on_under_its_key_stays_pending_for_the_retry(
    fake_stripe, customer, customer_client, staff_client
):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _paid_by_card(fake_stripe, customer_client, order)
    fake_stripe.fail_with(409)

    busy = _refund_keyed(staff_client, order, "10.00")
    fake_stripe.fail_with(None)
    retried = _refund_keyed(staff_client, order, "10.00")

    assert (busy.status_code, retried.status_code) == (502, 201)
    _refunded_once_at_stripe(fake_stripe, order, Decimal("10.00"))


def test_a_refund_whose_answer_was_lost_is_finished_by_the_periodic_resume(
    fake_stripe, customer, customer_client, staff_client
):
    order = _paid_by_card_before_stripe_loses_an_answer(fake_stripe, customer, customer_client)
    assert _refund(staff_client, order, "10.00").status_code == 502

    # A refund younger than REFUND_UNCONFIRMED_AFTER may still have its request waiting on Stripe.
    too_young = resume_unconfirmed_refunds()
    Refund.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    resumed = resume_unconfirmed_refunds()

    assert (too_young, resumed) == (0, 1)
    assert Refund.objects.get().status == "succeeded"
    _refunded_once_at_stripe(fake_stripe, order, Decimal("10.00"))
