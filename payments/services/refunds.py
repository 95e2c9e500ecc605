"""Refunds: money given back on a payment, never more than was paid minus what was refunded.

The check runs under the order's row lock and counts pending refunds too, so two staff members
refunding at once cannot together give back more than was paid. A card payment is refunded
through Stripe, outside any transaction: the refund row is reserved (pending) and committed first,
Stripe is asked with an idempotency key derived from that row, and the refund settles from Stripe's
answer or, when Stripe answers `pending`, from its `refund.updated`/`charge.refunded` webhook. A manual
payment's refund succeeds when recorded.

When Stripe's answer is lost (a timeout, a cut connection, or this process dying while it waited),
Stripe may have refunded: the row stays pending. A retry of the same request (`request_key`) asks
Stripe again for that row with the same idempotency key, so Stripe returns the refund it made
rather than making a second; without a retry, Stripe's webhook finds the row by its metadata, and
a periodic task asks Stripe again (`refunds_unconfirmed_resume`).
"""

import logging
from datetime import timedelta
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from orders.models import Order, OrderEventType
from orders.services.events import order_event_record, order_webhook_data
from payments.errors import AmountNotPositive, RefundExceedsPaid
from payments.models import Payment, Refund, RefundStatus
from payments.stripe_client import stripe_client, stripe_unavailable, to_minor_units
from shop.errors import InvalidInput, NotConfigured, NotFound, UpstreamUnavailable
from shop.webhooks.models import WebhookEventType
from shop.webhooks.services import webhook_event_record

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
STRIPE_IDEMPOTENCY_WINDOW = timedelta(hours=24)
# Far longer than a request waits for Stripe: a refund unconfirmed after this lost its answer.
REFUND_UNCONFIRMED_AFTER = timedelta(minutes=10)


def stripe_refund_status(status: str) -> str:
    """Our status for a Stripe refund status (pending, requires_action, succeeded, failed, canceled)."""
    if status == "succeeded":
        return RefundStatus.SUCCEEDED
    if status in ("failed", "canceled"):
        return RefundStatus.FAILED
    return RefundStatus.PENDING


def refund_create(
    *,
    actor: User,
    order_id: int,
    amount: Decimal,
    reason: str = "",
    payment_id: int | None = None,
    request_key: str | None = None,
) -> Refund:
    """Refund `amount` of the order's payment `payment_id` (default: the latest payment that covers it).

    `request_key` names the request: called again with it, this finishes the refund that request
    reserved (asking Stripe again with the same idempotency key) and returns it, refunding nothing more.
    Raises NotFound (order, or a payment of another order), AmountNotPositive / RefundExceedsPaid (400),
    NotConfigured (501: a card payment without a Stripe key), UpstreamUnavailable (502: Stripe refused
    or failed, and the reserved refund is removed; or Stripe did not answer, and it stays pending).
    Side effects: the `refund` timeline event; order.refunded when it succeeds.
    """
    refund = _refund_of_request(request_key=request_key) or _refund_reserve(
        actor=actor, order_id=order_id, amount=amount, reason=reason, payment_id=payment_id, request_key=request_key
    )
    if (
        refund.status != RefundStatus.PENDING
        or refund.stripe_refund_id is not None
        # Stripe forgets idempotency keys after a day: asking again then could refund twice, so a
        # refund still unconfirmed by then waits for its webhook or staff.
        or refund.created_at < timezone.now() - STRIPE_IDEMPOTENCY_WINDOW
    ):
        return refund
    return _refund_at_stripe(refund=refund)


def refunds_unconfirmed_resume() -> int:
    """Ask Stripe again about card refunds still pending without its id REFUND_UNCONFIRMED_AFTER after they
    were reserved (their answer was lost and nobody retried), each with its own idempotency key: Stripe
    returns the refund it made, or makes the one staff asked for, and the row settles. Returns how many
    Stripe answered; the others wait for the next run (or are removed, when Stripe refuses them).
    """
    now = timezone.now()
    unconfirmed = Refund.objects.select_related("order", "payment").filter(
        status=RefundStatus.PENDING,
        stripe_refund_id__isnull=True,
        payment__stripe_payment_intent__isnull=False,
        created_at__lt=now - REFUND_UNCONFIRMED_AFTER,
        created_at__gte=now - STRIPE_IDEMPOTENCY_WINDOW,
    )
    answered = 0
    for refund in unconfirmed:
        try:
            _refund_at_stripe(refund=refund)
        except UpstreamUnavailable:
            logger.warning("Stripe did not settle refund %s on resuming it.", refund.pk, exc_info=True)
            continue
        answered += 1
    return answered


def _refund_at_stripe(*, refund: Refund) -> Refund:
    """Ask Stripe for the reserved card `refund` and settle it from the answer (see refund_create's raises)."""
    try:
        stripe_refund = stripe_client().v1.refunds.create(
            # The same for every attempt at this row: Stripe replays an idempotent request only when
            # its parameters match.
            params={
                "payment_intent": refund.payment.stripe_payment_intent,
                "amount": to_minor_units(refund.amount, refund.order.currency),
                "metadata": {"order_id": str(refund.order_id), "refund_id": str(refund.pk)},
            },
            options={"idempotency_key": f"refund-{refund.pk}"},
        )
    except stripe.StripeError as error:
        # No answer (a timeout, a cut connection), or a 409: another request with this key (a retry
        # that took over) still runs at Stripe. Either may refund, so the row stays for them.
        if isinstance(error, stripe.APIConnectionError) or error.http_status == 409:
            raise UpstreamUnavailable(
                "The payment provider did not answer; the refund stays pending until it confirms. "
                "Retry with the same Idempotency-Key to finish it: nothing is refunded twice."
            ) from error
        # Otherwise Stripe answered: a refusal, or a 5xx it would replay for this key, so asking again
        # cannot finish the row. Should a 5xx have refunded after all, its webhook reaches staff.
        _refund_discard(refund=refund)
        raise stripe_unavailable(error) from error
    return refund_settle(
        refund_id=refund.pk, status=stripe_refund_status(stripe_refund.status), stripe_refund_id=stripe_refund.id
    )


def _refund_of_request(*, request_key: str | None) -> Refund | None:
    if request_key is None:
        return None
    return Refund.objects.select_related("order", "payment").filter(request_key=request_key).first()


def order_refund_remaining(*, actor: User, order_id: int, reason: str) -> list[Refund]:
    """Refund everything still refundable on the order, one refund per payment (cancelling a paid order)."""
    refunds = []
    for payment in _payments_with_remaining(order_id=order_id):
        if payment.remaining > 0:
            refunds.append(
                refund_create(
                    actor=actor, order_id=order_id, amount=payment.remaining, reason=reason, payment_id=payment.pk
                )
            )
    return refunds


def _payments_with_remaining(*, order_id: int):
    held = Q(refunds__status__in=(RefundStatus.PENDING, RefundStatus.SUCCEEDED))
    return (
        Payment.objects.filter(order_id=order_id)
        .annotate(remaining=F("amount") - Coalesce(Sum("refunds__amount", filter=held), ZERO))
        .order_by("-created_at", "-id")
    )


@transaction.atomic
def _refund_reserve(
    *, actor: User, order_id: int, amount: Decimal, reason: str, payment_id: int | None, request_key: str | None
) -> Refund:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Order not found")
    if amount <= 0:
        raise AmountNotPositive("The amount must be greater than zero.", field="amount")
    pending = Refund.objects.filter(order=order, status=RefundStatus.PENDING).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    refundable = order.amount_paid - order.amount_refunded - pending
    if amount > refundable:
        raise RefundExceedsPaid(
            f"The amount exceeds what can still be refunded ({refundable}).",
            field="amount",
            extra={"refundable": str(refundable)},
        )
    payments = list(_payments_with_remaining(order_id=order.pk))
    if payment_id is not None:
        payment = next((payment for payment in payments if payment.pk == payment_id), None)
        if payment is None:
            raise InvalidInput("This order has no such payment.", field="payment_id")
        if amount > payment.remaining:
            raise RefundExceedsPaid(
                f"The amount exceeds what can still be refunded of this payment ({payment.remaining}).",
                field="amount",
                extra={"refundable": str(payment.remaining)},
            )
    else:
        payment = next((payment for payment in payments if payment.remaining >= amount), None)
        if payment is None:
            raise RefundExceedsPaid(
                "No single payment covers this amount; refund each payment with `payment_id`.", field="amount"
            )
    card = payment.stripe_payment_intent is not None
    if card and not settings.STRIPE_SECRET_KEY:
        raise NotConfigured("Card refunds go through Stripe, which is not configured (STRIPE_SECRET_KEY).")
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        reason=reason,
        status=RefundStatus.PENDING,
        created_by=actor,
        request_key=request_key,
    )
    if card:
        order_event_record(
            order=order,
            type=OrderEventType.REFUND,
            message=f"Refund of {amount} {order.currency} requested from Stripe.",
            actor=actor,
            data={"refund_id": refund.pk, "amount": amount, "status": RefundStatus.PENDING, "reason": reason},
        )
    else:
        _refund_succeed(order=order, refund=refund, actor=actor)
    return refund


@transaction.atomic
def refund_settle(*, refund_id: int, status: str, stripe_refund_id: str | None = None) -> Refund:
    """Apply Stripe's word on a card refund: a pending refund becomes succeeded (counted on the order,
    order.refunded) or failed (its amount refundable again). A settled refund stays as it is.

    Locks the order, then the refund (the order of every refund write).
    """
    order_id = Refund.objects.values_list("order_id", flat=True).get(pk=refund_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
    if stripe_refund_id and refund.stripe_refund_id is None:
        refund.stripe_refund_id = stripe_refund_id
        refund.save(update_fields=["stripe_refund_id"])
    if refund.status != RefundStatus.PENDING or status == RefundStatus.PENDING:
        return refund
    if status == RefundStatus.SUCCEEDED:
        _refund_succeed(order=order, refund=refund, actor=None)
    else:
        refund.status = RefundStatus.FAILED
        refund.save(update_fields=["status"])
        order_event_record(
            order=order,
            type=OrderEventType.REFUND,
            message=f"Refund of {refund.amount} {order.currency} failed at Stripe.",
            data={"refund_id": refund.pk, "amount": refund.amount, "status": RefundStatus.FAILED},
        )
    return refund


def _refund_succeed(*, order: Order, refund: Refund, actor: User | None) -> None:
    refund.status = RefundStatus.SUCCEEDED
    refund.save(update_fields=["status"])
    Order.objects.filter(pk=order.pk).update(
        amount_refunded=F("amount_refunded") + refund.amount, updated_at=timezone.now()
    )
    order.refresh_from_db()
    order_event_record(
        order=order,
        type=OrderEventType.REFUND,
        message=f"Refund of {refund.amount} {order.currency} succeeded.",
        actor=actor,
        data={
            "refund_id": refund.pk,
            "amount": refund.amount,
            "status": RefundStatus.SUCCEEDED,
            "reason": refund.reason,
        },
    )
    webhook_event_record(
        type=WebhookEventType.ORDER_REFUNDED,
        data={
            **order_webhook_data(order=order),
            "amount_refunded": order.amount_refunded,
            "refund": {"id": refund.pk, "payment_id": refund.payment_id, "amount": refund.amount},
        },
    )


def _refund_discard(*, refund: Refund) -> None:
    """Remove a reserved card refund Stripe never took, with its timeline line: nothing stays half-written."""
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=refund.order_id).first()
        refund.order.events.filter(type=OrderEventType.REFUND, data__refund_id=refund.pk).delete()
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).delete()
