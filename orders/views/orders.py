from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import User
from orders.filters import OrderFilter
from orders.models import Order, OrderStatus
from orders.permissions import OrderInputsOfStaff, OwnOrdersOrStaff
from orders.selectors.orders import order_event_list_for, order_get_for, order_list_for
from orders.serializers import (
    OrderCreatedSerializer,
    OrderEventOutputSerializer,
    OrderInputSerializer,
    OrderListOutputSerializer,
    OrderNoteInputSerializer,
    OrderOutputSerializer,
    OrderPatchInputSerializer,
    OrderUpdatedSerializer,
    OrderUpdateInputSerializer,
)
from orders.services.events import order_note_add
from orders.services.orders import order_delete, order_fulfilment_update, order_place, order_update
from payments.services.cancellation import order_cancel
from shop.permissions import IsAuthenticated, IsStaff, caller_is_staff
from shop.serializers import MessageSerializer
from shop.throttles import OrdersThrottle


def order_created_response(order: Order) -> Response:
    body = {"message": "Order created", "order_id": order.pk, "status": order.status, "order": order}
    return Response(OrderCreatedSerializer(body).data, status=http.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses=OrderListOutputSerializer(many=True), summary="Orders, newest first, without items"),
)
class OrderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Orders: customers see and change their own, staff everyone's.

    Staff-only inputs sent by a customer are refused with 403 rather than silently
    ignored: `user_id`/`utilisateur_id` naming someone else, a `status` other than the
    one the order has (on create: `pending`), a `tracking_number`, and any PATCH status
    but `cancelled`.
    """

    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated, OrderInputsOfStaff]
    filterset_class = OrderFilter
    serializer_class = OrderOutputSerializer

    def get_serializer_class(self):
        if self.action == "list":
            return OrderListOutputSerializer
        return OrderOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return order_list_for(viewer=self.request.user)

    def get_permissions(self):
        if self.action == "notes":
            return [IsStaff()]
        return super().get_permissions()

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), OrdersThrottle()]
        return super().get_throttles()

    def get_object(self) -> Order:
        order = order_get_for(viewer=self.request.user, order_id=self.kwargs["pk"])
        self.check_object_permissions(self.request, order)
        return order

    @extend_schema(request=OrderInputSerializer, responses={201: OrderCreatedSerializer}, summary="Place an order")
    def create(self, request):
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        owner = request.user
        if values.get("user_id", owner.pk) != owner.pk:
            owner = User.objects.filter(pk=values["user_id"]).first()
            if owner is None:
                raise ValidationError({"user_id": ["No user has this id."]})
        status = values.get("status", OrderStatus.PENDING)
        order = order_place(
            user=owner,
            lines=values["items"],
            shipping=values.get("shipping"),
            address_id=values.get("address_id"),
            status=status,
            actor=request.user,
            shipping_method_id=values.get("shipping_method_id"),
            coupon_code=values.get("coupon_code"),
        )
        return order_created_response(order)

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
        order = order_update(
            order=order,
            lines=data.validated_data["items"],
            by_staff=caller_is_staff(request),
            status=data.validated_data.get("status"),
            actor=request.user,
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
        data = OrderPatchInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        refund = values.pop("refund", True)
        if values.get("status") == OrderStatus.CANCELLED:
            # Cancelling may refund money (through Stripe): its own service, outside one transaction.
            values.pop("status")
            if values:
                order_fulfilment_update(order=order, **values, actor=request.user)
            order_cancel(order=order, actor=request.user, by_staff=caller_is_staff(request), refund=refund)
        else:
            order_fulfilment_update(order=order, **values, actor=request.user)
        return Response(OrderOutputSerializer(order_get_for(viewer=request.user, order_id=order.pk)).data)

    @extend_schema(responses={200: MessageSerializer}, summary="Delete an order and give its stock back")
    def destroy(self, request, pk=None):
        order_delete(order=self.get_object(), by_staff=caller_is_staff(request))
        return Response({"message": "Order deleted"})

    @extend_schema(
        responses=OrderEventOutputSerializer(many=True),
        summary="The order's timeline, oldest first (the owner sees the customer-facing events)",
    )
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        order = self.get_object()
        page = self.paginate_queryset(order_event_list_for(viewer=request.user, order=order))
        return self.get_paginated_response(OrderEventOutputSerializer(page, many=True).data)

    @extend_schema(
        request=OrderNoteInputSerializer,
        responses={201: OrderEventOutputSerializer},
        summary="Add a note to the order's timeline (staff; hidden from the customer unless customer_visible)",
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        data = OrderNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = order_note_add(order=self.get_object(), author=request.user, **data.validated_data)
        return Response(OrderEventOutputSerializer(event).data, status=http.HTTP_201_CREATED)


@extend_schema(
    responses=OrderListOutputSerializer(many=True),
    summary="A user's orders, newest first (self or staff)",
    parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH)],
)
class UserOrdersView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, OwnOrdersOrStaff]
    serializer_class = OrderListOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        user_id = int(self.kwargs["user_id"])
        if user_id != self.request.user.pk:
            get_object_or_404(User, pk=user_id)
        return order_list_for(viewer=self.request.user).filter(user_id=user_id)
