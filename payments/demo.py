"""Demo payments for the demo orders: settled balances for orders past pending, a deposit on some pending ones."""

from decimal import Decimal
from itertools import cycle

from django.db.models import F

from orders.models import PAID_OR_LATER, Order, OrderStatus
from payments.models import PaymentMethod
from payments.services.payments import payment_create

CENT = Decimal("0.01")


def seed() -> str:
    # Orders of deleted customers have no one to pay for them; cancelled ones take no money.
    unpaid = Order.objects.filter(user__isnull=False, amount_paid__lt=F("total")).order_by("pk")
    methods = cycle(PaymentMethod.values)
    created = 0

    for order in unpaid.filter(status__in=PAID_OR_LATER).select_related("user"):
        payment_create(
            actor=order.user,
            order_id=order.pk,
            amount=order.balance_due,
            method=next(methods),
            reference=f"DEMO-{order.pk}",
        )
        created += 1

    # Pending orders with an odd id get a deposit of half their total, once: a second
    # run finds they already have a payment.
    pending = unpaid.filter(status=OrderStatus.PENDING, payments__isnull=True).select_related("user")
    for order in (order for order in pending if order.pk % 2):
        deposit = (order.total / 2).quantize(CENT)
        if deposit > 0:
            payment_create(
                actor=order.user, order_id=order.pk, amount=deposit, method=next(methods), reference=f"DEMO-{order.pk}"
            )
            created += 1

    if not Order.objects.exists():
        return "no orders to pay yet"
    return f"{created} payment{'' if created == 1 else 's'} recorded"
