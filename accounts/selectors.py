"""Account reads: who may see which account, and the staff's user list."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from orders.models import Order


def user_list(*, query: str = "", is_staff: bool | None = None) -> QuerySet[User]:
    """Accounts for the staff's list, newest first; `query` matches email or name."""
    users = User.objects.order_by("-id")
    if query:
        users = users.filter(Q(email__icontains=query) | Q(name__icontains=query))
    if is_staff is not None:
        users = users.filter(is_staff=is_staff)
    return users


def user_visible_to(*, actor: User, with_orders: bool = False) -> QuerySet[User]:
    """The accounts `actor` may read or change: all for staff, else only their own.

    `with_orders` prefetches each account's orders, newest first, in one query.
    """
    users = User.objects.all() if actor.is_staff else User.objects.filter(pk=actor.pk)
    if with_orders:
        orders = Order.objects.only("id", "status", "total", "created_at", "user_id").order_by("-created_at", "-id")
        users = users.prefetch_related(Prefetch("orders", queryset=orders))
    return users
