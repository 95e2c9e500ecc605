"""The cart's side of totals: its coupon (POST/DELETE /api/cart/coupon) and the amounts it shows.

The cart shows what its checkout would charge, priced by the same `totals_compute`: the
shipping method is the one the client names (`?shipping_method_id=`), else the only active
method serving `?country=` (none when several do: the client then lets the customer choose),
and tax is `?country=`'s rate.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from orders.errors import CouponInvalid
from orders.models import Cart
from orders.pricing import totals_compute
from orders.selectors.cart import cart_detail
from orders.totals.services import coupon_check, coupon_get, pricing_terms, shipping_method_choose


def cart_totals_set(*, cart: Cart, user: User, country: str = "", shipping_method_id: int | None = None) -> Cart:
    """Set on a cart priced by `cart_detail` its `subtotal, discount_total, shipping_total, tax_total, total`,
    `coupon_code`, `coupon_error` (why its coupon does not apply now, or None) and `shipping_method`.

    Raises ShippingMethodUnavailable (400) when `shipping_method_id` does not serve `country`.
    """
    method = shipping_method_choose(country=country, method_id=shipping_method_id, required=False)
    subtotal = sum((line.line_total for line in cart.lines), Decimal("0"))
    coupon, cart.coupon_error = cart.coupon, None
    if coupon is not None:
        try:
            coupon_check(coupon=coupon, user=user, subtotal=subtotal)
        except CouponInvalid as refused:
            coupon, cart.coupon_error = None, refused.message
    totals = totals_compute(
        line_totals=[line.line_total for line in cart.lines],
        terms=pricing_terms(coupon=coupon, method=method, country=country),
    )
    cart.subtotal, cart.discount_total, cart.total = totals.subtotal, totals.discount_total, totals.total
    cart.shipping_total, cart.tax_total = totals.shipping_total, totals.tax_total
    cart.coupon_code = cart.coupon.code if cart.coupon else None
    cart.shipping_method = {"id": method.pk, "name": method.name, "price": method.price} if method else None
    return cart


@transaction.atomic
def cart_coupon_apply(*, user: User, code: str) -> Cart:
    """Put the coupon `code` (any case) on the user's cart, replacing any other.

    Raises CouponInvalid (400) with the reason it cannot apply to this cart now; it is
    checked again, and redeemed, at checkout.
    """
    cart, _ = Cart.objects.select_for_update().get_or_create(user=user)
    coupon = coupon_get(code=code)
    lines = cart_detail(user=user).lines
    coupon_check(coupon=coupon, user=user, subtotal=sum((line.line_total for line in lines), Decimal("0")))
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])
    return cart


@transaction.atomic
def cart_coupon_remove(*, user: User) -> Cart:
    """Take the coupon off the user's cart (nothing to do when it has none)."""
    cart, _ = Cart.objects.select_for_update().get_or_create(user=user)
    cart.coupon = None
    cart.save(update_fields=["coupon", "updated_at"])
    return cart
