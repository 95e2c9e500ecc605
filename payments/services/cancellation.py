"""Cancelling an order that may hold money: refund what was paid, then cancel."""

from accounts.models import User
from orders.errors import OrderLocked
from orders.models import CancelReason, Order, OrderStatus
from orders.services.orders import ORDER_TRANSITIONS, order_status_change
from payments.services.refunds import order_refund_remaining

# The owner may cancel their order until staff start processing it.
CANCELLABLE_BY_OWNER = (OrderStatus.PENDING, OrderStatus.PAID)


def order_cancel(*, order: Order, actor: User, by_staff: bool, refund: bool = True) -> Order:
    """Cancel `order` (its stock goes back), first refunding what was paid unless staff say `refund=False`.

    The refunds come first, each outside any transaction (card ones through Stripe): when Stripe
    fails the order stays as it was (502), and cancelling again refunds only what is left.
    Raises OrderLocked (409) when the owner cancels from `processing` on, IllegalStatusTransition (409)
    from shipped or delivered, and what `refund_create` raises.
    """
    if not by_staff and order.status not in CANCELLABLE_BY_OWNER:
        raise OrderLocked(f"This order is {order.status}; ask the shop to cancel it.", field="status")
    if OrderStatus.CANCELLED not in ORDER_TRANSITIONS[order.status]:
        # The state machine words the refusal (409 with the allowed moves).
        return order_status_change(order=order, status=OrderStatus.CANCELLED, actor=actor)
    if refund or not by_staff:
        order_refund_remaining(actor=actor, order_id=order.pk, reason="Order cancelled")
    return order_status_change(
        order=order, status=OrderStatus.CANCELLED, actor=actor, cancel_reason=CancelReason.REQUESTED
    )
