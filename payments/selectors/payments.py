from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import User
from orders.models import Order
from payments.models import INTENT_ENDED, CardPaymentIntent, Payment, Refund


def order_list_payable_by(*, user: User) -> QuerySet[Order]:
    """Orders `user` may see and pay: staff all of them, a customer their own."""
    orders = Order.objects.all()
    return orders if user.is_staff else orders.filter(user=user)


def payment_list(*, user: User) -> QuerySet[Payment]:
    """Payments `user` may see, newest first: staff all, a customer those of their own orders."""
    payments = Payment.objects.order_by("-created_at", "-id")
    return payments if user.is_staff else payments.filter(order__user=user)


def payment_list_for_order(*, order: Order) -> QuerySet[Payment]:
    return Payment.objects.filter(order=order).order_by("-created_at", "-id")


def order_ids_with_card_payment_in_progress(*, now: datetime) -> QuerySet:
    """Ids of orders with a card payment in progress: a PaymentIntent that has not succeeded, failed or
    been canceled, created less than ORDER_PAYMENT_HOLD_MINUTES before `now` (a subquery)."""
    since = now - timedelta(minutes=settings.ORDER_PAYMENT_HOLD_MINUTES)
    return CardPaymentIntent.objects.filter(created_at__gt=since).exclude(status__in=INTENT_ENDED).values("order_id")


def refund_list_for_order(*, order: Order) -> QuerySet[Refund]:
    return Refund.objects.filter(order=order).order_by("-created_at", "-id")
