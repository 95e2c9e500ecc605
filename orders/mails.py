"""Mail to customers about their orders, triggered by the order's timeline.

`order_event_record` hands every customer-facing event that a customer should hear about
(see `order_mail_kind`) to the `order_mail_send` task on commit, so whichever service
places, pays, ships, cancels or refunds an order, the mail follows without further code.
Each mail sent is recorded as an `email_sent` event naming the event that caused it,
which is also what keeps a retried or repeated task from sending it twice.
"""

from decimal import Decimal

from orders.models import Order, OrderEvent, OrderEventType, OrderStatus
from shop.mail import mail_send, storefront_link

# Statuses a customer is told about when an order moves into them.
MAILED_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED)

ORDER_MAIL_SUBJECTS = {
    "placed": "we have received order #{id}",
    OrderStatus.PAID: "payment received for order #{id}",
    OrderStatus.SHIPPED: "order #{id} has shipped",
    OrderStatus.CANCELLED: "order #{id} is cancelled",
    "refunded": "refund on order #{id}",
}


def order_mail_kind(*, type: str, data: dict) -> str | None:
    """Which mail an event of `type` with `data` calls for (a key of ORDER_MAIL_SUBJECTS), or None."""
    if type == OrderEventType.PLACED:
        return "placed"
    if type == OrderEventType.REFUND:
        return "refunded"
    if type == OrderEventType.STATUS_CHANGED and data.get("to") in MAILED_STATUSES:
        return data["to"]
    return None


def _totals(order: Order) -> list[tuple[str, Decimal]]:
    rows = [("Subtotal", order.subtotal)]
    if order.subtotal > order.total:
        rows.append(("Discounts", order.total - order.subtotal))
    return [*rows, ("Total", order.total)]


def _payment_lines(order: Order) -> list[tuple[str, Decimal]]:
    lines = [("Paid", order.amount_paid)] if order.amount_paid else []
    if order.balance_due > 0 and order.status != OrderStatus.CANCELLED:
        lines.append(("Balance due", order.balance_due))
    return lines


def order_mail_send(*, event_id: int) -> bool:
    """Send the mail that event `event_id` calls for to the order's customer and record it on the timeline.

    Returns False, sending nothing, when the event calls for no mail, the order has no
    customer any more, or the mail was already sent. Raises MAIL_RETRY_ERRORS when the
    SMTP server refuses or cannot be reached (the task retries).
    """
    from orders.services.events import order_event_record  # the events module schedules this one

    event = OrderEvent.objects.select_related("order__user").filter(pk=event_id).first()
    kind = order_mail_kind(type=event.type, data=event.data) if event else None
    if kind is None or event.order.user is None:
        return False
    order = event.order
    if order.events.filter(type=OrderEventType.EMAIL_SENT, data__trigger_event_id=event.pk).exists():
        return False
    subject = ORDER_MAIL_SUBJECTS[kind].format(id=order.pk)
    mail_send(
        template=f"order_{kind}",
        to=[order.user.email],
        subject=subject,
        context={
            "order": order,
            "items": list(order.items.all()),
            "totals": _totals(order),
            "payment_lines": _payment_lines(order),
            "refund_amount": event.data.get("amount"),
            "link": storefront_link(f"orders/{order.pk}"),
        },
    )
    order_event_record(
        order=order,
        type=OrderEventType.EMAIL_SENT,
        message=f"Email sent to {order.user.email}: {subject}.",
        data={"mail": kind, "to": order.user.email, "trigger_event_id": event.pk},
    )
    return True
