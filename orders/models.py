from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from catalog.models import OPTION_MAX_LENGTH, Product, ProductVariant, default_currency

# The inquiry models live in their own stack but belong to this app: importing them here is what
# registers them under the `orders` label (and keeps `orders.models.QuoteRequest` a valid path).
from orders.inquiries.models import (  # noqa: F401
    ProductRequest,
    ProductRequestNote,
    ProductRequestStatus,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestNote,
    QuoteRequestStatus,
)

# Shipping methods, coupons and tax rates: their own module, registered under `orders` the same way.
from orders.totals.models import Coupon, CouponCustomerUse, CouponKind, ShippingMethod, TaxRate  # noqa: F401


class OrderStatus(models.TextChoices):
    PENDING = "pending"
    PAID = "paid"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


# Orders that count as sold: revenue, statistics and verified-purchase reviews.
PAID_OR_LATER = (OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


class CancelReason(models.TextChoices):
    REQUESTED = "requested"
    EXPIRED = "expired"


class Cart(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart")
    # Applied with POST /api/cart/coupon; checked again, and redeemed, at checkout.
    coupon = models.ForeignKey(Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Cart of {self.user_id}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    # The stock the line draws on. size/color are the variant's, or the option chosen on a
    # product that lists sizes/colours over one stock pool (so they stay in the merge key).
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    size = models.CharField(max_length=OPTION_MAX_LENGTH, blank=True, default="")
    color = models.CharField(max_length=OPTION_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant", "size", "color"], name="cart_item_variant_merge_key"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_item_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product_id}"


class Order(models.Model):
    # SET_NULL: the books keep orders of deleted accounts, detached and anonymised.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    currency = models.CharField(max_length=3, default=default_currency)
    # The amounts of orders.pricing.totals_compute, snapshotted at placement (and at each item edit).
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    discount_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    shipping_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    tax_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # The coupon, method and rate as they were when placed (orders.pricing.PricingTerms.snapshot).
    pricing = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    coupon_code = models.CharField(max_length=50, blank=True)
    # The redeemed coupon whose use this order holds; cleared when a cancelled unpaid order gives it back.
    coupon = models.ForeignKey(Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders")
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # Refunds that went through (payments.Refund, succeeded); pending ones are not counted yet.
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cancel_reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    # Money that did not add up (a payment on a cancelled order, an amount Stripe took that differs
    # from the balance): staff look at it and clear the flag.
    needs_attention = models.BooleanField(default=False)
    shipping_full_name = models.CharField(max_length=150, blank=True)
    shipping_address = models.CharField(max_length=300, blank=True)
    shipping_city = models.CharField(max_length=120, blank=True)
    shipping_postal_code = models.CharField(max_length=20, blank=True)
    shipping_country = CountryField(blank=True)
    shipping_phone = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="order_amount_paid_not_negative"),
            # No cap of amount_paid at the total: money Stripe took beyond the balance is recorded (and
            # flagged), never lost; staff payments are checked against the balance by their service.
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="order_amount_refunded_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount_paid")), name="order_refunded_within_paid"
            ),
        ]
        indexes = [
            # Staff's list: newest first over every order, without sorting the table.
            models.Index(fields=["-created_at", "-id"], name="order_newest"),
            models.Index(fields=["user", "-created_at"], name="order_user_newest"),
            models.Index(fields=["status", "created_at"], name="order_status_created"),
            models.Index(fields=["tracking_number"], name="order_tracking"),
            models.Index(fields=["needs_attention", "-created_at"], name="order_needs_attention"),
        ]

    def __str__(self):
        return f"Order #{self.pk} ({self.status})"

    @property
    def balance_due(self) -> Decimal:
        return self.total - self.amount_paid + self.amount_refunded

    @property
    def shipping_method(self) -> dict | None:
        """`{id, name, price}` of the method chosen at placement, as it was then."""
        shipping = (self.pricing or {}).get("shipping")
        return {key: shipping[key] for key in ("id", "name", "price")} if shipping else None


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    # SET_NULL: the line keeps its snapshot when the product is deleted.
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    product_name = models.CharField(max_length=200)
    # SET_NULL as the product: the line keeps its snapshot of the variant (sku, size, color).
    # Its stock is given back to this variant when the order is cancelled.
    variant = models.ForeignKey(ProductVariant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sku = models.CharField(max_length=64, blank=True, default="")
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    discount_percentage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Snapshot of the product's cost when sold, for profit statistics.
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    size = models.CharField(max_length=OPTION_MAX_LENGTH, blank=True, default="")
    color = models.CharField(max_length=OPTION_MAX_LENGTH, blank=True, default="")
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="order_item_quantity_positive")]
        indexes = [models.Index(fields=["product", "order"], name="order_item_product")]

    def __str__(self):
        return f"{self.quantity} x {self.product_name}"


class OrderEventType(models.TextChoices):
    PLACED = "placed"
    STATUS_CHANGED = "status_changed"
    PAYMENT_RECORDED = "payment_recorded"
    PAYMENT_FAILED = "payment_failed"
    REFUND = "refund"
    NOTE_ADDED = "note_added"
    EMAIL_SENT = "email_sent"
    EXPIRED = "expired"
    NEEDS_ATTENTION = "needs_attention"
    ITEMS_CHANGED = "items_changed"
    TRACKING_UPDATED = "tracking_updated"


class OrderEvent(models.Model):
    """One line of an order's timeline, written by the service that made the change, in its transaction."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=OrderEventType.choices)
    message = models.TextField()
    # SET_NULL: the timeline outlives the staff account that acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    customer_visible = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at", "id"], name="order_event_timeline")]

    def __str__(self):
        return f"{self.type} on order #{self.order_id}"
