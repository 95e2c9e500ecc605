import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from orders.models import Order, OrderStatus
from orders.selectors.cart import cart_detail
from orders.selectors.orders import order_get_for, order_list_for
from orders.serializers import (
    CartItemInputSerializer,
    CartItemUpdateInputSerializer,
    CartOutputSerializer,
    CheckoutInputSerializer,
    OrderCreatedSerializer,
    OrderInputSerializer,
    OrderListOutputSerializer,
    OrderOutputSerializer,
    OrderPatchInputSerializer,
    OrderUpdatedSerializer,
    OrderUpdateInputSerializer,
)
from orders.services.cart import cart_checkout, cart_clear, cart_item_add, cart_item_remove, cart_item_update
from orders.services.orders import order_delete, order_fulfilment_update, order_place, order_update
from shop.serializers import MAX_ID, MessageSerializer
from shop.throttles import OrdersThrottle


def _cart_response(request, status=http.HTTP_200_OK) -> Response:
    return Response(CartOutputSerializer(cart_detail(user=request.user)).data, status=status)


def _order_created_response(order: Order) -> Response:
    body = {"message": "Order created", "order_id": order.pk, "status": order.status, "order": order}
    return Response(OrderCreatedSerializer(body).data, status=http.HTTP_201_CREATED)


# --- Cart ---------------------------------------------------------------------


class CartView(APIView):
    @extend_schema(responses=CartOutputSerializer, summary="The user's cart, priced as of now")
    def get(self, request):
        return _cart_response(request)

    @extend_schema(responses={200: CartOutputSerializer}, summary="Empty the cart")
    def delete(self, request):
        cart_clear(user=request.user)
        return _cart_response(request)


class CartItemsView(APIView):
    @extend_schema(
        request=CartItemInputSerializer,
        responses={201: CartOutputSerializer},
        summary="Add a product to the cart (same product, size and color merge)",
    )
    def post(self, request):
        data = CartItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart_item_add(user=request.user, **data.validated_data)
        return _cart_response(request, status=http.HTTP_201_CREATED)


class CartItemView(APIView):
    @extend_schema(request=CartItemUpdateInputSerializer, responses=CartOutputSerializer, summary="Change a cart line")
    def patch(self, request, item_id: int):
        data = CartItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart_item_update(user=request.user, item_id=item_id, **data.validated_data)
        return _cart_response(request)

    @extend_schema(responses={200: CartOutputSerializer}, summary="Remove a cart line")
    def delete(self, request, item_id: int):
        cart_item_remove(user=request.user, item_id=item_id)
        return _cart_response(request)


class CartCheckoutView(APIView):
    throttle_classes = [*APIView.throttle_classes, OrdersThrottle]

    @extend_schema(
        request=CheckoutInputSerializer,
        responses={201: OrderCreatedSerializer},
        summary="Turn the cart into an order and empty it",
    )
    def post(self, request):
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = cart_checkout(user=request.user, shipping=data.validated_data["shipping"])
        return _order_created_response(order)


# --- Orders -------------------------------------------------------------------


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    user = django_filters.NumberFilter(
        field_name="user_id", min_value=1, max_value=MAX_ID, help_text="Staff: orders of this user id."
    )

    class Meta:
        model = Order
        fields = ["status", "user"]


def _staff_only(request, what: str) -> None:
    if not request.user.is_staff:
        raise PermissionDenied(f"Only staff may {what}.")


class OrderViewSet(viewsets.GenericViewSet):
    """Orders: customers see and change their own, staff everyone's.

    Staff-only inputs sent by a customer are refused with 403 rather than silently
    ignored: `user_id`/`utilisateur_id` naming someone else, a `status` other than the
    one the order has (on create: `pending`), a `tracking_number`, and any PATCH status
    but `cancelled`.
    """

    lookup_value_regex = r"\d+"
    filterset_class = OrderFilter
    serializer_class = OrderOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return order_list_for(viewer=self.request.user)

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), OrdersThrottle()]
        return super().get_throttles()

    def get_object(self) -> Order:
        return order_get_for(viewer=self.request.user, order_id=self.kwargs["pk"])

    @extend_schema(responses=OrderListOutputSerializer(many=True), summary="Orders, newest first, without items")
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(OrderListOutputSerializer(page, many=True).data)

    @extend_schema(request=OrderInputSerializer, responses={201: OrderCreatedSerializer}, summary="Place an order")
    def create(self, request):
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        owner = request.user
        if values.get("user_id", owner.pk) != owner.pk:
            _staff_only(request, "place an order for another user")
            owner = User.objects.filter(pk=values["user_id"]).first()
            if owner is None:
                raise ValidationError({"user_id": ["No user has this id."]})
        status = values.get("status", OrderStatus.PENDING)
        if status != OrderStatus.PENDING:
            _staff_only(request, "set an order's status")
        order = order_place(user=owner, lines=values["items"], shipping=values.get("shipping"), status=status)
        return _order_created_response(order)

    @extend_schema(responses=OrderOutputSerializer, summary="One order with its items")
    def retrieve(self, request, pk=None):
        return Response(OrderOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=OrderUpdateInputSerializer,
        responses=OrderUpdatedSerializer,
        summary="Replace the items (owner while pending, staff until shipped)",
    )
    def update(self, request, pk=None):
        order = self.get_object()
        data = OrderUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        status = data.validated_data.get("status")
        if status not in (None, order.status):
            _staff_only(request, "set an order's status")
        order = order_update(
            order=order, lines=data.validated_data["items"], by_staff=request.user.is_staff, status=status
        )
        order = order_get_for(viewer=request.user, order_id=order.pk)
        body = {"message": "Order updated", "order_id": order.pk, "order": order}
        return Response(OrderUpdatedSerializer(body).data)

    @extend_schema(
        request=OrderPatchInputSerializer,
        responses=OrderOutputSerializer,
        summary="Move the status or set the tracking number (the owner may only cancel)",
    )
    def partial_update(self, request, pk=None):
        order = self.get_object()
        data = OrderPatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "tracking_number" in values:
            _staff_only(request, "set a tracking number")
        if values.get("status", OrderStatus.CANCELLED) != OrderStatus.CANCELLED:
            _staff_only(request, "move an order to this status")
        order_fulfilment_update(order=order, **values)
        return Response(OrderOutputSerializer(order_get_for(viewer=request.user, order_id=order.pk)).data)

    @extend_schema(responses={200: MessageSerializer}, summary="Delete an order and give its stock back")
    def destroy(self, request, pk=None):
        order_delete(order=self.get_object(), by_staff=request.user.is_staff)
        return Response({"message": "Order deleted"})


class UserOrdersView(GenericAPIView):
    queryset = Order.objects.none()
    serializer_class = OrderListOutputSerializer

    @extend_schema(
        responses=OrderListOutputSerializer(many=True),
        summary="A user's orders, newest first (self or staff)",
        parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH)],
    )
    def get(self, request, user_id: int):
        if int(user_id) != request.user.pk:
            _staff_only(request, "see another user's orders")
            get_object_or_404(User, pk=user_id)
        orders = order_list_for(viewer=request.user).filter(user_id=user_id)
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(OrderListOutputSerializer(page, many=True).data)
