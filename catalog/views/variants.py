from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.models import ProductVariant
from catalog.serializers import (
    VariantInputSerializer,
    VariantOutputSerializer,
    VariantStockInputSerializer,
    VariantUpdateInputSerializer,
)
from catalog.services.stock import variant_stock_adjust
from catalog.services.variants import variant_create, variant_delete, variant_update
from shop.permissions import IsStaff, IsStaffOrReadOnly, caller_is_staff
from shop.serializers import MessageSerializer

PRODUCT_ID_PARAMETER = OpenApiParameter("product_id", int, OpenApiParameter.PATH, description="The product's id.")


def _render(variant_id: int) -> dict:
    return VariantOutputSerializer(selectors.variant_get(pk=variant_id)).data


class ProductVariantsView(APIView):
    """GET and POST /api/products/<id>/variants."""

    permission_classes = [IsStaffOrReadOnly]

    @extend_schema(
        parameters=[PRODUCT_ID_PARAMETER],
        responses={200: VariantOutputSerializer(many=True)},
        description="Bare array; inactive variants (and those of a disabled product) for staff only.",
    )
    def get(self, request, product_id: int):
        variants = selectors.variant_list_for_product(
            product_id=int(product_id), include_inactive=caller_is_staff(request)
        )
        return Response(VariantOutputSerializer(variants, many=True).data)

    @extend_schema(
        parameters=[PRODUCT_ID_PARAMETER],
        request=VariantInputSerializer,
        responses={201: VariantOutputSerializer},
        description="The first variant with a size or colour replaces the product's default variant.",
    )
    def post(self, request, product_id: int):
        product = selectors.product_get_plain(pk=int(product_id), include_disabled=True)
        serializer = VariantInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        variant = variant_create(product=product, data=serializer.validated_data, actor=request.user)
        return Response(_render(variant.pk), status=status.HTTP_201_CREATED)


class VariantViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaff]
    serializer_class = VariantOutputSerializer
    lookup_value_regex = r"\d+"
    queryset = ProductVariant.objects.all()

    @extend_schema(request=VariantUpdateInputSerializer, responses={200: VariantOutputSerializer})
    def partial_update(self, request, pk=None):
        serializer = VariantUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        variant = variant_update(variant=self.get_object(), data=serializer.validated_data, actor=request.user)
        return Response(_render(variant.pk))

    @extend_schema(
        responses={200: MessageSerializer}, description="A variant that orders name is deactivated, not deleted."
    )
    def destroy(self, request, pk=None):
        variant_delete(variant=self.get_object())
        return Response({"message": "Variant deleted"})

    @extend_schema(request=VariantStockInputSerializer, responses={200: VariantOutputSerializer})
    @action(detail=True, methods=["post"])
    def stock(self, request, pk=None):
        """Add or remove units (`delta`), or set a counted `quantity` (with `expected_quantity`: no lost update)."""
        serializer = VariantStockInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        variant = variant_stock_adjust(variant_id=self.get_object().pk, actor=request.user, **serializer.validated_data)
        return Response(_render(variant.pk))
