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
    # The PaymentIntent a card payment settled. Unique: however often and however concurrently Stripe
    # delivers its success, the insert of a second payment for it fails (NULL for manual payments).
    stripe_payment_intent = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # None: recorded by the provider's verified webhook.
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


class IntentStatus(models.TextChoices):
    """Stripe's PaymentIntent statuses; the first three end the payment attempt."""

    SUCCEEDED = "succeeded"
    CANCELED = "canceled"
    FAILED = "failed"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"


INTENT_ENDED = (IntentStatus.SUCCEEDED, IntentStatus.CANCELED, IntentStatus.FAILED)


class CardPaymentIntent(models.Model):
    """Our record of a Stripe PaymentIntent made for an order: reused while the balance is unchanged,
    and while recent and open it holds the order back from expiry (a card payment in progress)."""

    # CASCADE: a deleted order had nothing paid; a success arriving after that is an event for
    # an unknown order, kept for staff.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="card_intents")
    intent_id = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=30, default=IntentStatus.REQUIRES_PAYMENT_METHOD)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order", "-created_at"], name="card_intent_order")]

    def __str__(self):
        return f"{self.intent_id} ({self.status}) for order {self.order_id}"


class StripeEvent(models.Model):
    """A verified Stripe event, stored once: its unique id is what makes a redelivery a no-op.

    `needs_attention` marks events staff must look at (an unknown order, an amount that does not
    match, a refund we have no record of).
    """

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    payload = models.JSONField()
    needs_attention = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["needs_attention", "-received_at"], name="stripe_event_attention")]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(models.Model):
    """Money given back on a payment. Card refunds go through Stripe and stay pending until its
    webhook (or its answer) settles them; refunds of manual payments succeed when recorded."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    # The request that asked for it (a digest of the caller's Idempotency-Key and body): a retry of
    # that request, even after the process died waiting for Stripe, finishes this refund rather than
    # reserving a second one. Unique, so two retries cannot both reserve.
    request_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=RefundStatus.values), name="refund_status_known"),
        ]
        indexes = [models.Index(fields=["order", "created_at"], name="refund_order_created")]

    def __str__(self):
        return f"Refund #{self.pk}: {self.amount} ({self.status}) on order {self.order_id}"
