"""Stripe's verified events, each applied exactly once.

The event row (unique Stripe event id) is inserted in the same transaction as everything the
event changes: of any number of simultaneous deliveries, one inserts and commits, the others
fail on the unique key and answer 200 without doing anything. A card payment is also unique on
its PaymentIntent id, so two different events for one intent still record one payment.
"""

import logging

import stripe
from django.db import IntegrityError, transaction

from orders.models import CancelReason, Order, OrderEventType, OrderStatus
from orders.services.events import order_event_record
from payments.models import CardPaymentIntent, IntentStatus, Payment, PaymentMethod, Refund, StripeEvent
from payments.services.payments import order_attention_flag, payment_apply
from payments.services.refunds import refund_settle, stripe_refund_status
from payments.stripe_client import from_minor_units

logger = logging.getLogger(__name__)


def stripe_event_process(*, event: stripe.Event) -> bool:
    """Apply a verified `event` once; False when it had been processed already (a redelivery)."""
    handler = _HANDLERS.get(event.type)
    payload = event.to_dict()
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event.id, type=event.type, payload=payload)
            if handler is not None:
                # Plain dicts: Stripe's objects refuse dict methods such as .get().
                handler(record=record, obj=payload["data"]["object"])
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event.id).exists():
            return False
        raise
    return True


def _order_locked(obj) -> Order | None:
    order_id = str((obj.get("metadata") or {}).get("order_id", ""))
    if not order_id.isdigit():
        return None
    return Order.objects.select_for_update().filter(pk=int(order_id)).first()


def _attention(record: StripeEvent, note: str, order: Order | None = None) -> None:
    record.needs_attention = True
    record.note = note[:300]
    record.order = order
    record.save(update_fields=["needs_attention", "note", "order"])
    logger.warning("Stripe event %s needs attention: %s", record.event_id, note)
    if order is not None:
        order_attention_flag(order=order, reason=note, data={"stripe_event": record.event_id})


def _intent_succeeded(*, record: StripeEvent, obj) -> None:
    intent_id = obj["id"]
    CardPaymentIntent.objects.filter(intent_id=intent_id).update(status=IntentStatus.SUCCEEDED)
    order = _order_locked(obj)
    if order is None:
        return _attention(record, f"Payment {intent_id} names no order of this shop.")
    currency = obj["currency"].upper()
    if currency != order.currency:
        return _attention(
            record, f"Payment {intent_id} was made in {currency}, the order is in {order.currency}.", order
        )
    amount = from_minor_units(obj["amount_received"], currency)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                amount=amount,
                method=PaymentMethod.CARD,
                reference=intent_id,
                stripe_payment_intent=intent_id,
            )
    except IntegrityError:
        record.order = order
        record.note = "payment already recorded"
        record.save(update_fields=["order", "note"])
        return None
    record.order = order
    record.save(update_fields=["order"])
    due, status, cancel_reason = order.balance_due, order.status, order.cancel_reason
    order = payment_apply(order=order, payment=payment, actor=None)
    if status == OrderStatus.CANCELLED:
        why = "expired" if cancel_reason == CancelReason.EXPIRED else "cancelled"
        _attention(record, f"Card payment of {amount} {currency} arrived after the order {why}: refund it.", order)
    elif amount != due:
        _attention(record, f"Stripe received {amount} {currency} while {due} was due.", order)
    return None


def _intent_ended(*, record: StripeEvent, obj) -> None:
    status = IntentStatus.CANCELED if obj.get("status") == IntentStatus.CANCELED else IntentStatus.FAILED
    CardPaymentIntent.objects.filter(intent_id=obj["id"]).update(status=status)
    order = _order_locked(obj)
    if order is None:
        return
    record.order = order
    record.save(update_fields=["order"])
    error = (obj.get("last_payment_error") or {}).get("message", "")
    order_event_record(
        order=order,
        type=OrderEventType.PAYMENT_FAILED,
        message=f"Card payment {obj['id']} {status}{': ' + error if error else ''}.",
        data={"payment_intent": obj["id"], "status": status},
    )


def _refund_updated(*, record: StripeEvent, obj) -> None:
    _refund_apply(record=record, stripe_refund=obj)


def _charge_refunded(*, record: StripeEvent, obj) -> None:
    # Recent API versions leave `refunds` out of the charge; refund.updated then carries each one.
    for stripe_refund in (obj.get("refunds") or {}).get("data", []):
        _refund_apply(record=record, stripe_refund=stripe_refund)


def _refund_apply(*, record: StripeEvent, stripe_refund) -> None:
    refund_id = str((stripe_refund.get("metadata") or {}).get("refund_id", ""))
    refund = Refund.objects.filter(stripe_refund_id=stripe_refund["id"]).first()
    if refund is None and refund_id.isdigit():
        refund = Refund.objects.filter(pk=int(refund_id), stripe_refund_id__isnull=True).first()
    if refund is None:
        _attention(record, f"Stripe refund {stripe_refund['id']} matches no refund recorded here.")
        return
    refund_settle(
        refund_id=refund.pk, status=stripe_refund_status(stripe_refund["status"]), stripe_refund_id=stripe_refund["id"]
    )
    record.order_id = refund.order_id
    record.save(update_fields=["order"])


_HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_ended,
    "payment_intent.canceled": _intent_ended,
    "charge.refunded": _charge_refunded,
    "refund.updated": _refund_updated,
}
