from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orders.models import Order


class PaymentMethod(models.TextChoices):
    CARD = "card"
    PAYPAL = "paypal"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    MOBILE_MONEY = "mobile_money"


class Payment(models.Model):
    """Money received for an order, in the order's currency. Payments are never edited or deleted."""

    # PROTECT: the books need the order a payment settled; an order with payments is
    # cancelled, never deleted.
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(method__in=PaymentMethod.values), name="payment_method_known"),
        ]
        indexes = [
            models.Index(fields=["order", "created_at"], name="payment_order_created"),
            models.Index(fields=["method", "created_at"], name="payment_method_created"),
            models.Index(fields=["created_at"], name="payment_created"),
        ]

    def __str__(self):
        return f"Payment #{self.pk}: {self.amount} by {self.method} for order {self.order_id}"


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key`: claimed before the request runs, then holding its response.

    The unique (user, key) constraint is what lets exactly one of two simultaneous
    requests run; `response_status` stays NULL while that request is in progress.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the running request claimed the key; a claim this old is abandoned.
    locked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self):
        return f"{self.key} ({self.user_id})"

    @property
    def is_complete(self) -> bool:
        return self.response_status is not None
