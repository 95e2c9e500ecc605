"""What a customer may not send about orders: staff-only inputs are refused with 403 rather than ignored.

The rules read the validated input, so a malformed body still gets the 400 that names its
field (the view validates it again), and whether a named user exists is checked only after
these, so that a customer cannot probe which ids exist.
"""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from orders.models import OrderStatus
from orders.serializers import OrderInputSerializer, OrderPatchInputSerializer, OrderUpdateInputSerializer
from shop.permissions import caller_is_staff


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    return serializer.validated_data if serializer.is_valid() else {}


def _refuse(what: str):
    raise PermissionDenied(f"Only staff may {what}.")


class OrderInputsOfStaff(BasePermission):
    """A customer places orders for themself as `pending`, replaces items without moving the
    status, and may PATCH only a cancellation; anything else in the body takes staff."""

    def has_permission(self, request, view):
        if view.action != "create" or caller_is_staff(request):
            return True
        values = _validated(OrderInputSerializer, request)
        if values.get("user_id", request.user.pk) != request.user.pk:
            _refuse("place an order for another user")
        if values.get("status", OrderStatus.PENDING) != OrderStatus.PENDING:
            _refuse("set an order's status")
        return True

    def has_object_permission(self, request, view, order):
        if caller_is_staff(request):
            return True
        if view.action == "update":
            if _validated(OrderUpdateInputSerializer, request).get("status") not in (None, order.status):
                _refuse("set an order's status")
        elif view.action == "partial_update":
            values = _validated(OrderPatchInputSerializer, request)
            if "tracking_number" in values:
                _refuse("set a tracking number")
            if values.get("refund") is False:
                _refuse("cancel a paid order without refunding it")
            if values.get("status", OrderStatus.CANCELLED) != OrderStatus.CANCELLED:
                _refuse("move an order to this status")
        return True


class OwnOrdersOrStaff(BasePermission):
    """The orders of the user in the route are theirs to see, and staff's."""

    message = "Only staff may see another user's orders."

    def has_permission(self, request, view):
        return int(view.kwargs["user_id"]) == request.user.pk or caller_is_staff(request)
