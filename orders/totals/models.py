"""What an order costs beyond its lines: shipping methods, coupons and tax rates.

Part of the `orders` app (imported by `orders.models`); the arithmetic is `orders.pricing`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django_countries.fields import CountryField

ZERO = Decimal("0")
HUNDRED = Decimal("100")


class ShippingMethod(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)])
    # Shipping is free when the subtotal after offers (before any coupon) is at least this much.
    free_over = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    # Empty: the method serves every country.
    countries = CountryField(multiple=True, blank=True)
    estimated_days = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_method_price_not_negative"),
            models.CheckConstraint(
                condition=Q(free_over__isnull=True) | Q(free_over__gte=0), name="shipping_method_free_over_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def serves(self, country: str) -> bool:
        return not self.countries or country in {c.code for c in self.countries}


class CouponKind(models.TextChoices):
    PERCENT = "percent"
    FIXED = "fixed"


def coupon_code_normalize(code: str) -> str:
    """The stored spelling of a code: trimmed and upper-case, so 'welcome10' finds WELCOME10."""
    return code.strip().upper()


class Coupon(models.Model):
    # Stored normalised (see coupon_code_normalize; the check constraint refuses anything else),
    # so the plain unique index is case-insensitive on SQLite as on MariaDB, where a
    # functional index on UPPER(code) is not available.
    code = models.CharField(max_length=50, unique=True)
    kind = models.CharField(max_length=10, choices=CouponKind.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    min_subtotal = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # Null: no limit.
    usage_limit = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    per_customer_limit = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    # Only ever moved by conditional UPDATEs (orders.totals.services), never written from a read value.
    times_used = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code=Upper("code")), name="coupon_code_upper_case"),
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind=CouponKind.PERCENT) | Q(value__lte=HUNDRED), name="coupon_percent_at_most_100"
            ),
            models.CheckConstraint(condition=Q(min_subtotal__gte=0), name="coupon_min_subtotal_not_negative"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="coupon_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.code


class CouponCustomerUse(models.Model):
    """How many times one customer has redeemed one coupon: the per-customer limit's counter.

    One row per (coupon, customer), which the unique constraint guarantees even when two
    first redemptions race; later ones move `times_used` with a conditional UPDATE.
    """

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="customer_uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    times_used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coupon", "user"], name="coupon_customer_use_once")]

    def __str__(self):
        return f"{self.coupon_id} by {self.user_id}: {self.times_used}"


class TaxRate(models.Model):
    country = CountryField(unique=True)
    # Percent, e.g. 20.00 for 20 %.
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)]
    )
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=HUNDRED), name="tax_rate_percent"),
        ]

    def __str__(self):
        return f"{self.name or 'Tax'} {self.country.code} {self.rate}%"
