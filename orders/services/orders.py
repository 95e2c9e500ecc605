from django.db import transaction

from orders.errors import IllegalStatusTransition
from orders.models import Order, OrderStatus

# The only legal moves of an order; the API and the admin's actions both go through
# `order_status_change`, so this table is the whole state machine.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.PENDING: (OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.PROCESSING, OrderStatus.CANCELLED),
    OrderStatus.PROCESSING: (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED,),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (),
}


@transaction.atomic
def order_status_change(*, order: Order, status: str) -> Order:
    """Move `order` to `status` if the transition table allows it.

    Locks the order row first so two concurrent moves cannot both pass the check.
    Raises IllegalStatusTransition (409, with the allowed next statuses).
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    allowed = ORDER_TRANSITIONS[order.status]
    if status not in allowed:
        raise IllegalStatusTransition(
            f"An order cannot move from {order.status} to {status}.",
            field="status",
            extra={"allowed": list(allowed)},
        )
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    return order
