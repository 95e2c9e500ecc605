import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class WebhookEventType(models.TextChoices):
    ORDER_CREATED = "order.created"
    ORDER_PAID = "order.paid"
    ORDER_STATUS_CHANGED = "order.status_changed"
    ORDER_REFUNDED = "order.refunded"
    ORDER_NEEDS_ATTENTION = "order.needs_attention"
    PRODUCT_CREATED = "product.created"
    PRODUCT_UPDATED = "product.updated"
    PRODUCT_DELETED = "product.deleted"
    STOCK_LOW = "stock.low"


class WebhookEndpoint(models.Model):
    url = models.CharField(max_length=500)
    # The event types sent here, a list of WebhookEventType values.
    events = models.JSONField(default=list)
    # Kept readable: every delivery is signed with it. Shown once, when the endpoint is created.
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(default=True)
    # Since when every attempt failed (cleared by a success); a day of it deactivates the endpoint.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.url


class WebhookEvent(models.Model):
    """The outbox: one row per event, written in the transaction of the change it reports."""

    # Receivers deduplicate on it, so it stays unique across databases and restores.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["type", "created_at"], name="webhook_event_type")]

    def __str__(self):
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the attempts so far and the last outcome.

    Unique per (event, endpoint): an event is sent to an endpoint through this one row,
    claimed by a conditional UPDATE before each attempt, so two workers never send it both.
    """

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt = models.PositiveIntegerField(default=0)
    # When a pending delivery is due; while an attempt runs, when its claim lapses.
    next_retry_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["status", "next_retry_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self):
        return f"Delivery #{self.pk} of {self.event_id} to endpoint #{self.endpoint_id}"
