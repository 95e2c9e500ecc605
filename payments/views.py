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
from payments.filters import PaymentFilter
from payments.models import Payment
from payments.selectors.payments import order_list_payable_by, payment_list, payment_list_for_order
from payments.serializers import (
    CategorySalesSerializer,
    DateRangeSerializer,
    PaymentInputSerializer,
    PaymentOutputSerializer,
    ProductSalesSerializer,
    ProfitSerializer,
    SalesPeriodSerializer,
    SalesQuerySerializer,
)
from payments.services.idempotency import idempotent_execute, request_fingerprint
from payments.services.payments import payment_create
from shop.errors import InvalidInput
from shop.permissions import IsAuthenticated, IsStaff

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
        return [IsStaff()] if self.action == "list" else [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return payment_list(user=self.request.user)

    @extend_schema(
        summary="Record a payment for an order (owner or staff)",
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
