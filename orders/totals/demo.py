"""Demo shipping methods, a coupon and the tax rate of the demo customers' first country."""

from decimal import Decimal

from orders.totals.models import Coupon, CouponKind, ShippingMethod, TaxRate

# The method every demo order ships with: it serves every country.
STANDARD = "Standard delivery"
COUPON = "WELCOME10"


def seed() -> str:
    ShippingMethod.objects.get_or_create(
        name=STANDARD, defaults={"price": Decimal("4.90"), "free_over": Decimal("50.00"), "estimated_days": 5}
    )
    ShippingMethod.objects.get_or_create(
        name="Express (France)",
        defaults={"price": Decimal("12.90"), "countries": ["FR"], "estimated_days": 1},
    )
    Coupon.objects.get_or_create(
        code=COUPON,
        defaults={
            "kind": CouponKind.PERCENT,
            "value": Decimal("10"),
            "usage_limit": 100,
            "per_customer_limit": 1,
        },
    )
    TaxRate.objects.get_or_create(country="FR", defaults={"rate": Decimal("20.00"), "name": "TVA"})
    return "2 shipping methods, coupon WELCOME10 (10 %), FR tax 20 %"


def standard_method_id() -> int:
    return ShippingMethod.objects.get(name=STANDARD).pk
