from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from orders.totals.models import Coupon, TaxRate
from orders.totals.selectors import shipping_method_list
from orders.totals.serializers import (
    CouponSerializer,
    ShippingMethodQuerySerializer,
    ShippingMethodSerializer,
    TaxRateSerializer,
)
from shop.permissions import AllowAny, IsStaff
from shop.serializers import MessageSerializer


class _StaffCrudViewSet(viewsets.ModelViewSet):
    """Rule-free staff CRUD (the rules are check constraints); a delete answers with a message."""

    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [IsStaff]
    deleted_message = "Deleted"

    @extend_schema(responses={200: MessageSerializer})
    def destroy(self, request, *args, **kwargs):
        self.get_object().delete()
        return Response({"message": self.deleted_message})


@extend_schema_view(
    list=extend_schema(
        summary="Active shipping methods, cheapest first (staff: every method)",
        parameters=[ShippingMethodQuerySerializer],
    )
)
class ShippingMethodViewSet(_StaffCrudViewSet):
    serializer_class = ShippingMethodSerializer
    deleted_message = "Shipping method deleted"

    def get_permissions(self):
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsStaff()]

    def get_queryset(self):
        user = self.request.user if self.request.user.is_authenticated else None
        if self.action != "list":
            return shipping_method_list(viewer=user)
        query = ShippingMethodQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return shipping_method_list(viewer=user, country=query.validated_data.get("country", ""))


class CouponViewSet(_StaffCrudViewSet):
    serializer_class = CouponSerializer
    queryset = Coupon.objects.order_by("code")
    deleted_message = "Coupon deleted"


class TaxRateViewSet(_StaffCrudViewSet):
    serializer_class = TaxRateSerializer
    queryset = TaxRate.objects.order_by("country")
    deleted_message = "Tax rate deleted"
