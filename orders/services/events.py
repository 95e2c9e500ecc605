"""The order timeline: one `OrderEvent` per change, written in the transaction of the change."""

from accounts.models import User
from orders.models import Order, OrderEvent, OrderEventType

# What a customer sees of their own order's timeline; notes say it themselves, and
# `needs_attention` is for staff (a payment that did not add up, a stock problem).
CUSTOMER_VISIBLE_TYPES = frozenset(
    {
        OrderEventType.PLACED,
        OrderEventType.STATUS_CHANGED,
        OrderEventType.PAYMENT_RECORDED,
        OrderEventType.REFUND,
        OrderEventType.EMAIL_SENT,
        OrderEventType.EXPIRED,
        OrderEventType.ITEMS_CHANGED,
        OrderEventType.TRACKING_UPDATED,
    }
)


def order_event_record(
    *,
    order: Order,
    type: str,
    message: str,
    actor: User | None = None,
    data: dict | None = None,
    customer_visible: bool | None = None,
) -> OrderEvent:
    """Append an event to `order`'s timeline; the caller's transaction makes it part of the change.

    Every type of `OrderEventType` goes through here, including those whose services come
    with later issues (refund, email_sent, expired, needs_attention). `customer_visible`
    defaults by type (see CUSTOMER_VISIBLE_TYPES). An anonymous `actor` is stored as none.
    """
    if customer_visible is None:
        customer_visible = type in CUSTOMER_VISIBLE_TYPES
    return OrderEvent.objects.create(
        order=order,
        type=type,
        message=message,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data or {},
        customer_visible=customer_visible,
    )


def order_note_add(*, order: Order, author: User, content: str, customer_visible: bool = False) -> OrderEvent:
    """Add a staff note to `order`'s timeline, hidden from the customer unless `customer_visible`."""
    return order_event_record(
        order=order,
        type=OrderEventType.NOTE_ADDED,
        message=content,
        actor=author,
        customer_visible=customer_visible,
    )
