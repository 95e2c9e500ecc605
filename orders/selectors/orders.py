from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from orders.models import Order, OrderEvent


def order_list_for(*, viewer: User) -> QuerySet[Order]:
    """Orders `viewer` may see, newest first, without their items: all for staff, else their own."""
    orders = Order.objects.order_by("-created_at", "-id")
    return orders if viewer.is_staff else orders.filter(user=viewer)


def order_get_for(*, viewer: User, order_id: int) -> Order:
    """One order with its items, if `viewer` owns it or is staff; Http404 otherwise, never a hint it exists."""
    return get_object_or_404(order_list_for(viewer=viewer).prefetch_related("items"), pk=order_id)


def order_event_list_for(*, viewer: User, order: Order) -> QuerySet[OrderEvent]:
    """`order`'s timeline, oldest first: every event for staff, the customer-facing ones for its owner."""
    events = OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "id")
    return events if viewer.is_staff else events.filter(customer_visible=True)
