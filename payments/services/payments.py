from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from orders.models import Order, OrderEventType, OrderStatus
from orders.services.events import order_event_record
from orders.services.orders import order_status_change
from payments.errors import AmountExceedsBalance, AmountNotPositive, OrderCancelled
from payments.models import Payment
from payments.selectors.payments import order_list_payable_by
from shop.errors import NotFound


@transaction.atomic
def payment_create(*, actor: User, order_id: int, amount: Decimal, method: str, reference: str = "") -> Payment:
    """Record `amount` paid by `method` for the order, on behalf of `actor` (its owner or staff).

    Locks the order row so concurrent payments cannot together exceed the balance due.
    A payment that settles a pending order moves it to `paid` in the same transaction.
    Writes the `payment_recorded` timeline event.
    Raises NotFound (unknown order or another customer's), OrderCancelled (409),
    AmountNotPositive / AmountExceedsBalance (400).
    """
    order = order_list_payable_by(user=actor).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Order not found")
    if order.status == OrderStatus.CANCELLED:
        raise OrderCancelled("A cancelled order cannot be paid.", field="order_id")
    if amount <= 0:
        raise AmountNotPositive("The amount must be greater than zero.", field="amount")
    if amount > order.balance_due:
        raise AmountExceedsBalance(
            f"The amount exceeds the balance due of {order.balance_due}.",
            field="amount",
            extra={"balance_due": str(order.balance_due)},
        )

    payment = Payment(order=order, amount=amount, method=method, reference=reference, created_by=actor)
    # The order and user were just read; the check constraints are enforced by the database.
    payment.full_clean(exclude=["order", "created_by"], validate_constraints=False)
    payment.save()
    Order.objects.filter(pk=order.pk).update(amount_paid=F("amount_paid") + amount, updated_at=timezone.now())
    order_event_record(
        order=order,
        type=OrderEventType.PAYMENT_RECORDED,
        message=f"Payment of {amount} {order.currency} recorded ({method}).",
        actor=actor,
        data={"payment_id": payment.pk, "amount": amount, "method": method, "reference": reference},
    )

    if order.status == OrderStatus.PENDING and order.amount_paid + amount >= order.total:
        order_status_change(order=order, status=OrderStatus.PAID, actor=actor)
    return payment
