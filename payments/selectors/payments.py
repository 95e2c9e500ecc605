from django.db.models import QuerySet

from accounts.models import User
from orders.models import Order
from payments.models import Payment


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
