import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from orders.models import Order, OrderStatus, ProductRequest, QuoteRequest
from orders.parsers import MultipartJsonParser
from orders.selectors.cart import cart_detail
from orders.selectors.orders import order_event_list_for, order_get_for, order_list_for
from orders.selectors.requests import ProductRequestFilter, QuoteRequestFilter, product_request_list, quote_request_list
from orders.serializers import (
    CartItemInputSerializer,
    CartItemUpdateInputSerializer,
    CartOutputSerializer,
    CheckoutInputSerializer,
    OkSerializer,
    OrderCreatedSerializer,
    OrderEventOutputSerializer,
    OrderInputSerializer,
    OrderListOutputSerializer,
    OrderNoteInputSerializer,
    OrderOutputSerializer,
    OrderPatchInputSerializer,
    OrderUpdatedSerializer,
    OrderUpdateInputSerializer,
    ProductRequestInputSerializer,
    ProductRequestNoteInputSerializer,
    ProductRequestOutputSerializer,
    ProductRequestStatusInputSerializer,
    QuoteRequestInputSerializer,
    QuoteRequestNoteInputSerializer,
    QuoteRequestOutputSerializer,
    QuoteRequestStatusInputSerializer,
    RequestCreatedSerializer,
    RequestNoteOutputSerializer,
)
from orders.services.cart import cart_checkout, cart_clear, cart_item_add, cart_item_remove, cart_item_update
from orders.services.events import order_note_add
from orders.services.orders import order_delete, order_fulfilment_update, order_place, order_update
from orders.services.requests import (
    QuoteItemInput,
    product_request_create,
    product_request_note_add,
    product_request_status_change,
    quote_request_create,
    quote_request_note_add,
    quote_request_status_change,
)
from shop.serializers import MAX_ID, MessageSerializer
from shop.throttles import OrdersThrottle, PublicRequestThrottle


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
        order = order_place(
            user=owner, lines=values["items"], shipping=values.get("shipping"), status=status, actor=request.user
        )
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
            order=order,
            lines=data.validated_data["items"],
            by_staff=request.user.is_staff,
            status=status,
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
        data = OrderPatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "tracking_number" in values:
            _staff_only(request, "set a tracking number")
        if values.get("status", OrderStatus.CANCELLED) != OrderStatus.CANCELLED:
            _staff_only(request, "move an order to this status")
        order_fulfilment_update(order=order, **values, actor=request.user)
        return Response(OrderOutputSerializer(order_get_for(viewer=request.user, order_id=order.pk)).data)

    @extend_schema(responses={200: MessageSerializer}, summary="Delete an order and give its stock back")
    def destroy(self, request, pk=None):
        order_delete(order=self.get_object(), by_staff=request.user.is_staff)
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
    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def notes(self, request, pk=None):
        data = OrderNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = order_note_add(order=self.get_object(), author=request.user, **data.validated_data)
        return Response(OrderEventOutputSerializer(event).data, status=http.HTTP_201_CREATED)


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


# --- Quote requests and custom-product requests --------------------------------

QUOTE_REQUEST_RECEIVED = "Your quote request has been submitted. We will get back to you shortly."
PRODUCT_REQUEST_RECEIVED = "Your product request has been submitted. We will get back to you shortly."


def _multipart_doc(name: str, json_of: str, file_field: str, file_help: str):
    """The documented shape of a multipart body: a `data` part holding JSON, and an optional file."""
    return inline_serializer(
        name,
        {
            "data": serializers.CharField(help_text=f"JSON object with the fields of {json_of}."),
            file_field: serializers.FileField(required=False, help_text=file_help),
        },
    )


class StaffRequestViewSet(viewsets.GenericViewSet):
    """Anyone may submit (throttled); only staff read, move and annotate requests."""

    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultipartJsonParser, FormParser]

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return [IsAdminUser()]

    def get_throttles(self):
        if self.action == "create":
            return [PublicRequestThrottle()]
        return super().get_throttles()

    def filter_queryset(self, queryset):
        # The filters are the list's; `?status=` on a detail or a move must not hide the request.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="Quote requests, newest first (staff)"),
    retrieve=extend_schema(summary="One quote request with its items and notes (staff)"),
)
class QuoteRequestViewSet(StaffRequestViewSet):
    serializer_class = QuoteRequestOutputSerializer
    filterset_class = QuoteRequestFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return quote_request_list()
        return QuoteRequest.objects.all()

    @extend_schema(
        summary="Ask for a quote (anyone, throttled)",
        request={"application/json": QuoteRequestInputSerializer},
        responses={201: RequestCreatedSerializer},
    )
    def create(self, request):
        serializer = QuoteRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items = [QuoteItemInput(**item) for item in data.pop("items")]
        quote_request = quote_request_create(**data, items=items)
        return Response({"id": quote_request.pk, "message": QUOTE_REQUEST_RECEIVED}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the status; `quoted` stamps `quoted_at` (staff)",
        request={"application/json": QuoteRequestStatusInputSerializer},
        responses={200: OkSerializer},
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def status_change(self, request, pk=None):
        serializer = QuoteRequestStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote_request_status_change(quote_request=self.get_object(), status=serializer.validated_data["status"])
        return Response({"ok": True})

    @extend_schema(
        summary="Add a note, with an optional PDF quote; a new request moves to in_progress (staff)",
        request={
            "multipart/form-data": _multipart_doc(
                "QuoteRequestNoteMultipart", "QuoteRequestNoteInput", "pdf", "A PDF, checked by content."
            ),
            "application/json": QuoteRequestNoteInputSerializer,
        },
        responses={201: RequestNoteOutputSerializer},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def note_create(self, request, pk=None):
        serializer = QuoteRequestNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = quote_request_note_add(
            quote_request=self.get_object(),
            author=request.user,
            content=serializer.validated_data["content"],
            pdf=serializer.validated_data.get("pdf"),
        )
        return Response(RequestNoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Custom-product requests, newest first (staff)"),
    retrieve=extend_schema(summary="One custom-product request with its reference file and notes (staff)"),
)
class ProductRequestViewSet(StaffRequestViewSet):
    serializer_class = ProductRequestOutputSerializer
    filterset_class = ProductRequestFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return product_request_list()
        return ProductRequest.objects.all()

    @extend_schema(
        summary="Ask for a custom product (anyone, throttled)",
        request={
            "multipart/form-data": _multipart_doc(
                "ProductRequestMultipart",
                "ProductRequestInput",
                "image",
                "A JPEG, PNG, WebP image or a PDF, checked by content.",
            ),
            "application/json": ProductRequestInputSerializer,
        },
        responses={201: RequestCreatedSerializer},
    )
    def create(self, request):
        serializer = ProductRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_request = product_request_create(**serializer.validated_data)
        return Response({"id": product_request.pk, "message": PRODUCT_REQUEST_RECEIVED}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the status; `answered` stamps `answered_at` (staff)",
        request={"application/json": ProductRequestStatusInputSerializer},
        responses={200: OkSerializer},
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def status_change(self, request, pk=None):
        serializer = ProductRequestStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_request_status_change(product_request=self.get_object(), status=serializer.validated_data["status"])
        return Response({"ok": True})

    @extend_schema(
        summary="Add a note, with an optional image or PDF; a new request moves to in_progress (staff)",
        request={
            "multipart/form-data": _multipart_doc(
                "ProductRequestNoteMultipart", "ProductRequestNoteInput", "file", "An image or PDF, checked by content."
            ),
            "application/json": ProductRequestNoteInputSerializer,
        },
        responses={201: RequestNoteOutputSerializer},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def note_create(self, request, pk=None):
        serializer = ProductRequestNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = product_request_note_add(
            product_request=self.get_object(),
            author=request.user,
            content=serializer.validated_data["content"],
            file=serializer.validated_data.get("file"),
        )
        return Response(RequestNoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)
