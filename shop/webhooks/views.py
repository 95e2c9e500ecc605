from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shop.permissions import IsSuperuser
from shop.serializers import MessageSerializer, NoFieldsSerializer
from shop.webhooks.selectors import webhook_delivery_list, webhook_endpoint_list
from shop.webhooks.serializers import (
    WebhookDeliveryOutputSerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointOutputSerializer,
)
from shop.webhooks.services import (
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints"),
    retrieve=extend_schema(summary="One webhook endpoint"),
)
class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Webhook endpoints, their delivery log and redelivery: superusers only."""

    permission_classes = [IsSuperuser]
    serializer_class = WebhookEndpointOutputSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return webhook_endpoint_list()

    @extend_schema(
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
        summary="Register an endpoint; the answer holds its signing secret, shown this once",
    )
    def create(self, request):
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(**data.validated_data, actor=request.user)
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WebhookEndpointInputSerializer(partial=True),
        responses=WebhookEndpointOutputSerializer,
        summary="Change the URL, the events or is_active",
    )
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = WebhookEndpointInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(responses={200: MessageSerializer}, summary="Delete an endpoint and its delivery log")
    def destroy(self, request, pk=None):
        webhook_endpoint_delete(endpoint=self.get_object())
        return Response({"message": "Webhook endpoint deleted"})

    @extend_schema(responses=WebhookDeliveryOutputSerializer(many=True), summary="The delivery log, newest first")
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        page = self.paginate_queryset(webhook_delivery_list(endpoint=self.get_object()))
        return self.get_paginated_response(WebhookDeliveryOutputSerializer(page, many=True).data)

    @extend_schema(
        request=NoFieldsSerializer,
        responses={202: WebhookDeliveryOutputSerializer},
        summary="Send a delivery's event to the endpoint again",
        parameters=[OpenApiParameter("delivery_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        NoFieldsSerializer(data=request.data).is_valid(raise_exception=True)
        delivery = get_object_or_404(webhook_delivery_list(endpoint=self.get_object()), pk=delivery_id)
        delivery = webhook_delivery_redeliver(delivery=delivery)
        return Response(WebhookDeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
