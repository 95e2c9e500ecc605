from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import User
from orders.totals.models import Coupon, CouponCustomerUse, ShippingMethod, TaxRate


def shipping_method_list(*, viewer: User | None, country: str = "") -> list[ShippingMethod] | QuerySet[ShippingMethod]:
    """Methods `viewer` may see, cheapest first: active ones for anyone, every one for staff.

    With `country` (ISO alpha-2), only the active methods serving it. The country filter runs
    in Python over one query: a shop has a handful of methods, and the stored country list is
    a comma-separated column no lookup reads reliably on both databases.
    """
    methods = ShippingMethod.objects.order_by("price", "id")
    if not (viewer and viewer.is_staff) or country:
        methods = methods.filter(is_active=True)
    if country:
        return [method for method in methods if method.serves(country)]
    return methods


def shipping_methods_serving(*, country: str) -> list[ShippingMethod]:
    """The active methods that deliver to `country` ("" when unknown: only the methods serving every country)."""
    return [method for method in ShippingMethod.objects.filter(is_active=True) if method.serves(country)]


def tax_rate_for(*, country: str) -> Decimal | None:
    """The rate (percent) of `country`; None when it has none (or no country is known)."""
    if not country:
        return None
    return TaxRate.objects.filter(country=country).values_list("rate", flat=True).first()


def coupon_uses_by(*, coupon: Coupon, user: User) -> int:
    """How many times `user` has redeemed `coupon` (orders cancelled unpaid not counted)."""
    return CouponCustomerUse.objects.filter(coupon=coupon, user=user).values_list("times_used", flat=True).first() or 0
