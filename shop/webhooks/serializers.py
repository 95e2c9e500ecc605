from rest_framework import serializers

from shop.serializers import ModelSerializer, Serializer
from shop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEventType


class WebhookEndpointInputSerializer(Serializer):
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), min_length=1, max_length=50
    )
    is_active = serializers.BooleanField(required=False)


class WebhookEndpointOutputSerializer(ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "created_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown this once: keep it to verify signatures.")

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = [*WebhookEndpointOutputSerializer.Meta.fields, "secret"]


class WebhookDeliveryOutputSerializer(ModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempt",
            "status_code",
            "duration_ms",
            "error",
            "next_retry_at",
            "created_at",
        ]
