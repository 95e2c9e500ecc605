from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog import selectors
from catalog.cache import catalog_cached
from catalog.models import Offer
from catalog.serializers import OfferInputSerializer, OfferOutputSerializer
from catalog.services.offers import offer_create, offer_delete, offer_update
from shop.permissions import IsStaff, IsStaffOrReadOnly, caller_is_staff
from shop.serializers import MessageSerializer


@extend_schema_view(list=extend_schema(description="Offers running now, on visible products."))
class OfferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    serializer_class = OfferOutputSerializer
    lookup_value_regex = r"\d+"
    queryset = Offer.objects.none()

    def get_permissions(self):
        if self.action == "all":
            return [IsStaff()]
        return super().get_permissions()

    def get_queryset(self):
        if self.action == "all":
            return selectors.offer_list_all()
        return selectors.offer_list_active()

    def _render(self, offer: Offer) -> dict:
        return self.get_serializer(selectors.offer_get(pk=offer.pk, include_hidden=True)).data

    @catalog_cached
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: OfferOutputSerializer(many=True)}, description="Staff: every offer, newest first.")
    @action(detail=False)
    def all(self, request):
        return self.list(request)

    @catalog_cached
    def retrieve(self, request, pk=None):
        offer = selectors.offer_get(pk=int(pk), include_hidden=caller_is_staff(request))
        return Response(self.get_serializer(offer).data)

    @extend_schema(request=OfferInputSerializer, responses={201: OfferOutputSerializer})
    def create(self, request):
        serializer = OfferInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = offer_create(data=serializer.validated_data)
        return Response(self._render(offer), status=status.HTTP_201_CREATED)

    @extend_schema(request=OfferInputSerializer, responses={200: OfferOutputSerializer})
    def update(self, request, pk=None):
        offer = get_object_or_404(Offer, pk=pk)
        serializer = OfferInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self._render(offer_update(offer=offer, data=serializer.validated_data)))

    @extend_schema(request=OfferInputSerializer, responses={200: OfferOutputSerializer})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(responses={200: MessageSerializer})
    def destroy(self, request, pk=None):
        offer_delete(offer=get_object_or_404(Offer, pk=pk))
        return Response({"message": "Offer deleted"})
