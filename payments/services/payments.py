from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from orders.models import Order, OrderEventType, OrderStatus
from orders.services.events import order_event_record, order_webhook_data
from orders.services.orders import order_status_change
from payments.errors import AmountExceedsBalance, AmountNotPositive, OrderCancelled
from payments.models import Payment
from payments.selectors.payments import order_list_payable_by
from shop.errors import NotFound
from shop.webhooks.models import WebhookEventType
from shop.webhooks.services import webhook_event_record


@transaction.atomic
def payment_create(*, actor: User, order_id: int, amount: Decimal, method: str, reference: str = "") -> Payment:
    """Record `amount` paid by `method` for the order, on behalf of `actor` (staff: customers pay by card
    through Stripe, whose webhook records their payments with `card_payment_record`).

    Locks the order row so concurrent payments cannot together exceed the balance due.
    A payment that settles a pending order moves it to `paid` in the same transaction.
    Writes the `payment_recorded` timeline event.
    Raises NotFound (unknown order), OrderCancelled (409), AmountNotPositive / AmountExceedsBalance (400).
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
    payment_apply(order=order, payment=payment, actor=actor)
    return payment


def payment_apply(*, order: Order, payment: Payment, actor: User | None) -> Order:
    """Add a just-saved `payment` to its `order` (locked by the caller): amount paid, timeline, and the
    move to `paid` when a pending order is now settled. Returns the order as it now is."""
    Order.objects.filter(pk=order.pk).update(amount_paid=F("amount_paid") + payment.amount, updated_at=timezone.now())
    order_event_record(
        order=order,
        type=OrderEventType.PAYMENT_RECORDED,
        message=f"Payment of {payment.amount} {order.currency} recorded ({payment.method}).",
        actor=actor,
        data={
            "payment_id": payment.pk,
            "amount": payment.amount,
            "method": payment.method,
            "reference": payment.reference,
        },
    )
    order.refresh_from_db()
    if order.status == OrderStatus.PENDING and order.balance_due <= 0:
        order = order_status_change(order=order, status=OrderStatus.PAID, actor=actor)
    return order


def order_attention_flag(*, order: Order, reason: str, data: dict | None = None) -> None:
    """Flag `order` for staff (`needs_attention`): a timeline event and the order.needs_attention webhook
    event, in the caller's transaction."""
    Order.objects.filter(pk=order.pk).update(needs_attention=True, updated_at=timezone.now())
    order.needs_attention = True
    order_event_record(order=order, type=OrderEventType.NEEDS_ATTENTION, message=reason, data=data or {})
    webhook_event_record(
        type=WebhookEventType.ORDER_NEEDS_ATTENTION, data={**order_webhook_data(order=order), "reason": reason}
    )
