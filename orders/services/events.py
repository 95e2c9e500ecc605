"""The order timeline: one `OrderEvent` per change, written in the transaction of the change."""

from accounts.models import User
from orders.mails import order_mail_kind
from orders.models import Order, OrderEvent, OrderEventType
from orders.tasks import order_mail

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
    A customer-facing event that the customer should hear about (placed, paid, shipped,
    cancelled, refund: `orders.mails.order_mail_kind`) also enqueues its mail on commit.
    """
    if customer_visible is None:
        customer_visible = type in CUSTOMER_VISIBLE_TYPES
    event = OrderEvent.objects.create(
        order=order,
        type=type,
        message=message,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data or {},
        customer_visible=customer_visible,
    )
    if customer_visible and order_mail_kind(type=type, data=event.data) is not None:
        order_mail.delay_on_commit(event_id=event.pk)
    return event


def order_note_add(*, order: Order, author: User, content: str, customer_visible: bool = False) -> OrderEvent:
    """Add a staff note to `order`'s timeline, hidden from the customer unless `customer_visible`."""
    return order_event_record(
        order=order,
        type=OrderEventType.NOTE_ADDED,
        message=content,
        actor=author,
        customer_visible=customer_visible,
    )


def order_webhook_data(*, order: Order) -> dict:
    """The order as webhook receivers get it (`data` of the order.* events): totals, shipping, items."""
    return {
        "id": order.pk,
        "user_id": order.user_id,
        "status": order.status,
        "currency": order.currency,
        "subtotal": order.subtotal,
        "discount_total": order.discount_total,
        "shipping_total": order.shipping_total,
        "tax_total": order.tax_total,
        "total": order.total,
        "coupon_code": order.coupon_code,
        "shipping_method": order.shipping_method,
        "amount_paid": order.amount_paid,
        "tracking_number": order.tracking_number,
        "shipping": {
            "full_name": order.shipping_full_name,
            "address": order.shipping_address,
            "city": order.shipping_city,
            "postal_code": order.shipping_postal_code,
            "country": str(order.shipping_country),
            "phone": order.shipping_phone,
        },
        "items": [
            {
                "product_id": item.product_id,
                "product_name": item.product_name,
                "size": item.size,
                "color": item.color,
                "quantity": item.quantity,
                "unit_price": item.unit_price,
                "discount_percentage": item.discount_percentage,
                "line_total": item.line_total,
            }
            for item in order.items.all()
        ],
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }
