"""Choosing the terms an order is priced on (shipping method, coupon, tax rate) and redeeming coupons.

Coupon limits hold under any number of simultaneous checkouts the way stock does: the use is
taken with a conditional UPDATE (`times_used < usage_limit`) inside the checkout transaction,
and a customer's own uses are one counter row per (coupon, customer) guarded by a unique
constraint and moved with a conditional UPDATE too. A failed redemption raises, which rolls
the whole checkout back.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from orders.errors import CouponInvalid, ShippingMethodRequired, ShippingMethodUnavailable
from orders.models import Order, OrderStatus
from orders.pricing import CouponTerms, PricingTerms, ShippingTerms, cents
from orders.totals.models import Coupon, CouponCustomerUse, ShippingMethod, coupon_code_normalize
from orders.totals.selectors import coupon_uses_by, shipping_methods_serving, tax_rate_for

# Why a coupon is refused: the `reason` of a coupon_invalid error.
UNKNOWN, NOT_STARTED, ENDED, MINIMUM_NOT_REACHED, USED_UP, ALREADY_USED = (
    "unknown",
    "not_started",
    "ended",
    "minimum_not_reached",
    "used_up",
    "already_used",
)


def coupon_get(*, code: str, field: str = "code") -> Coupon:
    """The active coupon with this code, whatever its case; raises CouponInvalid (unknown)."""
    coupon = Coupon.objects.filter(code=coupon_code_normalize(code), is_active=True).first()
    if coupon is None:
        raise CouponInvalid(UNKNOWN, "This coupon code does not exist.", field=field)
    return coupon


def coupon_check(
    *, coupon: Coupon, user: User | None, subtotal: Decimal, now: datetime | None = None, field: str = "code"
) -> None:
    """Raise CouponInvalid with the first reason `coupon` cannot apply to `user`'s `subtotal` (after offers) now."""
    now = now or timezone.now()
    if not coupon.is_active:
        raise CouponInvalid(UNKNOWN, "This coupon code does not exist.", field=field)
    if coupon.starts_at and now < coupon.starts_at:
        raise CouponInvalid(NOT_STARTED, "This coupon is not valid yet.", field=field)
    if coupon.ends_at and now >= coupon.ends_at:
        raise CouponInvalid(ENDED, "This coupon has expired.", field=field)
    if subtotal < coupon.min_subtotal:
        raise CouponInvalid(
            MINIMUM_NOT_REACHED,
            f"This coupon needs a subtotal of at least {cents(coupon.min_subtotal)} {settings.SHOP_CURRENCY}.",
            field=field,
        )
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        raise _used_up(field)
    limit = coupon.per_customer_limit
    if limit is not None and user is not None and coupon_uses_by(coupon=coupon, user=user) >= limit:
        raise _already_used(field)


def coupon_redeem(*, coupon: Coupon, user: User, field: str = "coupon_code") -> None:
    """Take one use of `coupon` for `user`; call inside the checkout transaction, after `coupon_check`.

    Raises CouponInvalid (used up / already used by this customer) when a simultaneous
    checkout took the last use first; the caller's transaction then rolls back.
    """
    within_limit = Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit"))
    taken = Coupon.objects.filter(within_limit, pk=coupon.pk, is_active=True).update(times_used=F("times_used") + 1)
    if not taken:
        raise _used_up(field)
    if coupon.per_customer_limit is not None:
        _customer_use_take(coupon=coupon, user=user, field=field)


def _customer_use_take(*, coupon: Coupon, user: User, field: str) -> None:
    limit = coupon.per_customer_limit
    uses = CouponCustomerUse.objects.filter(coupon=coupon, user=user, times_used__lt=limit)
    if uses.update(times_used=F("times_used") + 1):
        return
    try:
        # The customer's first use: the unique (coupon, user) makes a racing first use wait for
        # this insert and then fail, and that one falls through to the conditional UPDATE below.
        with transaction.atomic():
            CouponCustomerUse.objects.create(coupon=coupon, user=user, times_used=1)
        return
    except IntegrityError:
        pass
    if not uses.update(times_used=F("times_used") + 1):
        raise _already_used(field)


def coupon_release(*, order: Order) -> bool:
    """Give back the coupon use `order` holds, when it is cancelled or deleted while unpaid; once only.

    Call before the order's status changes (it reads the status it is leaving). Clearing
    `order.coupon` with a conditional UPDATE is what makes a second call a no-op.
    Returns whether a use was given back.
    """
    if order.coupon_id is None or order.status != OrderStatus.PENDING or order.amount_paid > 0:
        return False
    if not Order.objects.filter(pk=order.pk, coupon_id=order.coupon_id).update(coupon=None):
        return False
    Coupon.objects.filter(pk=order.coupon_id, times_used__gt=0).update(times_used=F("times_used") - 1)
    if order.user_id is not None:
        CouponCustomerUse.objects.filter(coupon_id=order.coupon_id, user_id=order.user_id, times_used__gt=0).update(
            times_used=F("times_used") - 1
        )
    order.coupon = None
    return True


def shipping_method_choose(
    *, country: str, method_id: int | None, required: bool, field: str = "shipping_method_id"
) -> ShippingMethod | None:
    """The method an order to `country` ships with.

    `method_id` must name an active method serving the country (ShippingMethodUnavailable
    otherwise). Without one: with `required` (checkout), ShippingMethodRequired when any
    active method serves the country, None when none does (a shop without shipping methods);
    without `required` (the cart's preview), the only method serving it, else None.
    """
    serving = shipping_methods_serving(country=country)
    if method_id is not None:
        method = next((method for method in serving if method.pk == method_id), None)
        if method is None:
            where = f"to {country}" if country else "without a shipping country"
            raise ShippingMethodUnavailable(
                f"Shipping method {method_id} does not deliver {where}; choose one of GET /api/shipping-methods.",
                field=field,
            )
        return method
    if required and serving:
        raise ShippingMethodRequired(field=field)
    return serving[0] if len(serving) == 1 else None


def pricing_terms(*, coupon: Coupon | None, method: ShippingMethod | None, country: str) -> PricingTerms:
    """The terms of an order or cart to `country` with this coupon and method, under today's tax setting."""
    return PricingTerms(
        coupon=CouponTerms(coupon.code, coupon.kind, coupon.value) if coupon else None,
        shipping=ShippingTerms(method.pk, method.name, method.price, method.free_over) if method else None,
        tax_rate=tax_rate_for(country=country),
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
    )


def order_terms_choose(
    *,
    user: User,
    country: str,
    line_totals: Iterable[Decimal],
    shipping_method_id: int | None,
    coupon_code: str | None,
) -> tuple[PricingTerms, Coupon | None]:
    """The terms a new order is placed on, and the coupon to redeem (see `coupon_redeem`).

    Raises ShippingMethodRequired / ShippingMethodUnavailable (400) naming
    `shipping_method_id`, CouponInvalid (400) naming `coupon_code`.
    """
    method = shipping_method_choose(country=country, method_id=shipping_method_id, required=True)
    coupon = None
    if coupon_code:
        coupon = coupon_get(code=coupon_code, field="coupon_code")
        coupon_check(coupon=coupon, user=user, subtotal=cents(sum(line_totals, Decimal(0))), field="coupon_code")
    return pricing_terms(coupon=coupon, method=method, country=country), coupon


def _used_up(field: str) -> CouponInvalid:
    return CouponInvalid(USED_UP, "This coupon has been used up.", field=field)


def _already_used(field: str) -> CouponInvalid:
    return CouponInvalid(ALREADY_USED, "You have already used this coupon.", field=field)
