"""Account reads: who may see which account, the staff's user list, the address book and the data export."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Address, User
from catalog.models import Review
from orders.models import Order, ProductRequest, QuoteRequest
from payments.models import Payment


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


def address_list(*, user: User) -> QuerySet[Address]:
    """`user`'s saved addresses, the default first."""
    return Address.objects.filter(user=user)


def user_export(*, user: User) -> dict:
    """Everything the shop holds about `user`, for `ProfileExportSerializer`, in a fixed number of queries.

    Orders come with their items and payments, each one prefetch; another relation of the
    order (its refunds) joins the export as one more prefetch and one serializer field.
    Quote and product requests are those made with the account's email.
    """
    orders = Order.objects.filter(user=user).prefetch_related(
        "items", Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id"))
    )
    return {
        "exported_at": timezone.now(),
        "account": user,
        "addresses": list(address_list(user=user)),
        "orders": list(orders),
        "reviews": list(Review.objects.filter(user=user).select_related("product")),
        "quote_requests": list(QuoteRequest.objects.filter(email=user.email).prefetch_related("items")),
        "product_requests": list(ProductRequest.objects.filter(email=user.email)),
    }
