import stripe
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.reports.statistics import (
    statistics_category_sales,
    statistics_product_sales,
    statistics_profit,
    statistics_sales,
)
from payments.errors import WebhookSignatureInvalid
from payments.filters import PaymentFilter
from payments.models import Payment, Refund
from payments.selectors.payments import (
    order_list_payable_by,
    payment_list,
    payment_list_for_order,
    refund_list_for_order,
)
from payments.serializers import (
    CardPaymentStartSerializer,
    CategorySalesSerializer,
    DateRangeSerializer,
    PaymentInputSerializer,
    PaymentOutputSerializer,
    ProductSalesSerializer,
    ProfitSerializer,
    RefundInputSerializer,
    RefundOutputSerializer,
    SalesPeriodSerializer,
    SalesQuerySerializer,
)
from payments.services.card import order_pay
from payments.services.idempotency import (
    IdempotentResponse,
    idempotent_execute,
    request_fingerprint,
    request_key_digest,
)
from payments.services.payments import payment_create
from payments.services.refunds import refund_create
from payments.services.stripe_webhooks import stripe_event_process
from payments.stripe_client import webhook_event_verify
from shop.errors import InvalidInput
from shop.permissions import AllowAny, IsAuthenticated, IsStaff
from shop.serializers import NoFieldsSerializer

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _idempotency_key(request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            f"{IDEMPOTENCY_HEADER} must be 1 to 255 printable ASCII characters.", field=IDEMPOTENCY_HEADER
        )
    return key


@extend_schema_view(
    list=extend_schema(summary="All payments (staff)", responses=PaymentOutputSerializer(many=True)),
    retrieve=extend_schema(summary="One payment (owner or staff)", responses=PaymentOutputSerializer),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    filterset_class = PaymentFilter
    serializer_class = PaymentOutputSerializer

    def get_permissions(self):
        # Only staff record money by hand; customers pay by card and Stripe's webhook records it.
        return [IsStaff()] if self.action in ("list", "create") else [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return payment_list(user=self.request.user)

    @extend_schema(
        summary="Record a manual payment for an order (staff: cash, bank transfer, mobile money...)",
        request=PaymentInputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retrying with the same key and body returns the first response and records nothing "
                "more (kept 24 hours, per user).",
            )
        ],
        responses={
            201: PaymentOutputSerializer,
            # The contract's error shape, added to the schema by shop.schema.add_error_responses.
            422: OpenApiResponse(
                {"$ref": "#/components/schemas/Error"}, description="The Idempotency-Key was used with another body"
            ),
        },
    )
    def create(self, request):
        payload = PaymentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data

        def record_payment() -> tuple[int, dict]:
            payment = payment_create(actor=request.user, **data)
            return status.HTTP_201_CREATED, dict(PaymentOutputSerializer(payment).data)

        result = idempotent_execute(
            user=request.user,
            key=_idempotency_key(request),
            request_hash=request_fingerprint(method="POST", path="/api/payments", payload=data),
            handler=record_payment,
        )
        return _idempotent_response(result)


def _idempotent_response(result: IdempotentResponse) -> Response:
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return Response(result.body, status=result.status, headers=headers)


@extend_schema(summary="The payments of one order (owner or staff)", responses=PaymentOutputSerializer(many=True))
class OrderPaymentListView(generics.ListAPIView):
    serializer_class = PaymentOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        order = get_object_or_404(order_list_payable_by(user=self.request.user), pk=self.kwargs["order_id"])
        return payment_list_for_order(order=order)


def _error_response(*, description: str) -> OpenApiResponse:
    return OpenApiResponse({"$ref": "#/components/schemas/Error"}, description=description)


class OrderPayView(APIView):
    @extend_schema(
        request=NoFieldsSerializer,
        responses={
            201: CardPaymentStartSerializer,
            501: _error_response(description="STRIPE_SECRET_KEY is not set"),
            502: _error_response(description="Stripe failed or timed out; nothing was written"),
        },
        summary="Start (or resume) paying the balance due by card: a Stripe PaymentIntent (owner)",
    )
    def post(self, request, order_id):
        NoFieldsSerializer(data=request.data).is_valid(raise_exception=True)
        start = order_pay(user=request.user, order_id=int(order_id))
        return Response(CardPaymentStartSerializer(start).data, status=status.HTTP_201_CREATED)


class StripeWebhookView(APIView):
    """Stripe's events: only a body signed with STRIPE_WEBHOOK_SECRET is read, so nobody else records money."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    # Stripe's event as Stripe sends it: its fields are Stripe's, not ours to refuse.
    takes_foreign_payload = True

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 501: _error_response(description="STRIPE_WEBHOOK_SECRET is not set")},
        summary="Stripe's webhook (verified with the Stripe-Signature header)",
    )
    def post(self, request):
        try:
            # The raw bytes Stripe signed; DRF's parsed body would not match the signature.
            event = webhook_event_verify(payload=request.body, signature=request.headers.get("Stripe-Signature"))
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise WebhookSignatureInvalid(field="Stripe-Signature") from error
        processed = stripe_event_process(event=event)
        return Response({"received": True, "duplicate": not processed})


@extend_schema_view(
    get=extend_schema(summary="The order's refunds (owner or staff)", responses=RefundOutputSerializer(many=True)),
)
class OrderRefundListView(generics.ListAPIView):
    serializer_class = RefundOutputSerializer

    def get_permissions(self):
        return [IsStaff()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Refund.objects.none()
        order = get_object_or_404(order_list_payable_by(user=self.request.user), pk=self.kwargs["order_id"])
        return refund_list_for_order(order=order)

    @extend_schema(
        summary="Refund money paid on the order (staff): through Stripe for a card payment",
        request=RefundInputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retrying with the same key and body returns the first refund and refunds nothing more.",
            )
        ],
        responses={
            201: RefundOutputSerializer,
            501: _error_response(description="A card payment's refund without STRIPE_SECRET_KEY"),
            502: _error_response(
                description="Stripe refused or failed (nothing was written), or did not answer (the refund stays "
                "pending; a retry with the same key finishes it)"
            ),
        },
    )
    def post(self, request, order_id):
        payload = RefundInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data

        key = _idempotency_key(request)
        request_hash = request_fingerprint(method="POST", path=request.path, payload=data)

        def refund() -> tuple[int, dict]:
            created = refund_create(
                actor=request.user,
                order_id=int(order_id),
                request_key=request_key_digest(user=request.user, key=key, request_hash=request_hash),
                **data,
            )
            return status.HTTP_201_CREATED, dict(RefundOutputSerializer(created).data)

        result = idempotent_execute(
            user=request.user,
            key=key,
            request_hash=request_hash,
            handler=refund,
            # A card refund calls Stripe, never inside a transaction; the service keeps its own.
            atomic=False,
        )
        return _idempotent_response(result)


_RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day included (ISO date)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day included (ISO date)."),
]


class _StatisticsView(APIView):
    permission_classes = [IsStaff]
    query_serializer_class = DateRangeSerializer

    def query(self, request) -> dict:
        query = self.query_serializer_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data


class ProfitView(_StatisticsView):
    @extend_schema(
        summary="Revenue, cost and profit of paid-or-later orders",
        parameters=_RANGE_PARAMETERS,
        responses=ProfitSerializer,
    )
    def get(self, request):
        return Response(ProfitSerializer(statistics_profit(**self.query(request))).data)


class ProductSalesView(_StatisticsView):
    @extend_schema(
        summary="Units and revenue per product, with its share of revenue",
        parameters=_RANGE_PARAMETERS,
        responses=ProductSalesSerializer(many=True),
    )
    def get(self, request):
        return Response(ProductSalesSerializer(statistics_product_sales(**self.query(request)), many=True).data)


class CategorySalesView(_StatisticsView):
    @extend_schema(
        summary="Units and revenue per category, with its products",
        parameters=_RANGE_PARAMETERS,
        responses=CategorySalesSerializer(many=True),
    )
    def get(self, request):
        return Response(CategorySalesSerializer(statistics_category_sales(**self.query(request)), many=True).data)


class SalesView(_StatisticsView):
    query_serializer_class = SalesQuerySerializer

    @extend_schema(
        summary="Orders and revenue per day, week or month",
        parameters=[
            *_RANGE_PARAMETERS,
            OpenApiParameter("interval", OpenApiTypes.STR, enum=["day", "week", "month"], default="day"),
        ],
        responses=SalesPeriodSerializer(many=True),
    )
    def get(self, request):
        return Response(SalesPeriodSerializer(statistics_sales(**self.query(request)), many=True).data)
