"""Unpaid orders expire: a `pending` order with nothing paid and no card payment in progress is
cancelled `ORDER_PENDING_TTL_MINUTES` after it was placed, and its stock goes back.

Each order is decided under its row lock, the lock a payment takes too, so an order is either
expired or paid, never both; a card payment that still succeeds on an expired order is recorded
and flagged for staff by the webhook (payments/services/stripe_webhooks.py).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from orders.models import CancelReason, Order, OrderEventType, OrderStatus
from orders.services.events import order_event_record
from orders.services.orders import order_status_change
from payments.selectors.payments import order_ids_with_card_payment_in_progress

# Orders looked at per run: a backlog is worked through a batch a minute rather than in one long job.
EXPIRY_BATCH = 500


def _expirable(*, now: datetime) -> QuerySet[Order]:
    cutoff = now - timedelta(minutes=settings.ORDER_PENDING_TTL_MINUTES)
    return Order.objects.filter(status=OrderStatus.PENDING, amount_paid=0, created_at__lt=cutoff).exclude(
        pk__in=order_ids_with_card_payment_in_progress(now=now)
    )


def orders_expire(*, now: datetime | None = None) -> int:
    """Expire every order due (a batch of EXPIRY_BATCH at most); returns how many were cancelled.

    Nothing when ORDER_PENDING_TTL_MINUTES is 0. Each order goes in its own transaction.
    """
    if settings.ORDER_PENDING_TTL_MINUTES <= 0:
        return 0
    now = now or timezone.now()
    candidates = list(_expirable(now=now).order_by("created_at", "pk").values_list("pk", flat=True)[:EXPIRY_BATCH])
    return sum(order_expire(order_id=pk, now=now) for pk in candidates)


@transaction.atomic
def order_expire(*, order_id: int, now: datetime | None = None) -> bool:
    """Cancel the order with `cancel_reason` "expired" if, under its row lock, it is still due; True if it was.

    The stock goes back through `order_status_change`; writes the `expired` timeline event (and the
    status_changed one with its webhook event).
    """
    now = now or timezone.now()
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or not _expirable(now=now).filter(pk=order.pk).exists():
        return False
    order = order_status_change(order=order, status=OrderStatus.CANCELLED, cancel_reason=CancelReason.EXPIRED)
    order_event_record(
        order=order,
        type=OrderEventType.EXPIRED,
        message=f"Expired: unpaid {settings.ORDER_PENDING_TTL_MINUTES} minutes after it was placed; stock returned.",
        data={"ttl_minutes": settings.ORDER_PENDING_TTL_MINUTES},
    )
    return True
