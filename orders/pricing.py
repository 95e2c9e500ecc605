"""The one place an order's amounts are computed: cart, checkout, order edits and the admin all call
`totals_compute`, so a cart shows exactly what its checkout will charge.

Rules (../shared/API.md, "Totals"): the subtotal is the sum of the line totals after offers;
a percent coupon takes its share of that subtotal, a fixed one at most the subtotal; shipping
is free when the subtotal (after offers, before the coupon) is at least the method's
`free_over`; tax is on subtotal - discount + shipping, at the shipping country's rate, either
already inside the prices (`PRICES_INCLUDE_TAX`, default) or added to them. Every amount is
rounded half-up to the cent where it is computed.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from orders.totals.models import CouponKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CouponTerms:
    code: str
    kind: str  # a CouponKind
    value: Decimal


@dataclass(frozen=True)
class ShippingTerms:
    id: int | None
    name: str
    price: Decimal
    free_over: Decimal | None = None


@dataclass(frozen=True)
class PricingTerms:
    """Everything besides the lines that prices an order; an order keeps a copy (`Order.pricing`) so
    that editing a coupon, method or rate later changes no placed order, and an order edit reprices
    its new lines on the terms it was placed with."""

    coupon: CouponTerms | None = None
    shipping: ShippingTerms | None = None
    tax_rate: Decimal | None = None  # percent
    prices_include_tax: bool = True

    def snapshot(self) -> dict:
        return {key: _jsonable(value) for key, value in asdict(self).items()}

    @classmethod
    def from_snapshot(cls, data: dict | None, *, prices_include_tax: bool = True) -> "PricingTerms":
        """The terms an order was placed with; an order placed before terms existed has none (its lines only)."""
        if not data:
            return cls(prices_include_tax=prices_include_tax)
        coupon, shipping, rate = data.get("coupon"), data.get("shipping"), data.get("tax_rate")
        return cls(
            coupon=CouponTerms(coupon["code"], coupon["kind"], Decimal(coupon["value"])) if coupon else None,
            shipping=ShippingTerms(
                shipping["id"],
                shipping["name"],
                Decimal(shipping["price"]),
                None if shipping["free_over"] is None else Decimal(shipping["free_over"]),
            )
            if shipping
            else None,
            tax_rate=None if rate is None else Decimal(rate),
            prices_include_tax=data.get("prices_include_tax", prices_include_tax),
        )


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return str(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal


def totals_compute(*, line_totals: Iterable[Decimal], terms: PricingTerms) -> Totals:
    """The amounts of an order or cart whose lines cost `line_totals` (after offers), priced on `terms`."""
    subtotal = cents(sum(line_totals, ZERO))
    discount = _discount(subtotal=subtotal, coupon=terms.coupon)
    shipping = _shipping(subtotal=subtotal, shipping=terms.shipping)
    taxed = subtotal - discount + shipping
    rate = terms.tax_rate or ZERO
    if terms.prices_include_tax:
        # The tax already inside a gross amount g at rate r is g * r / (100 + r).
        tax = cents(taxed * rate / (HUNDRED + rate))
        total = taxed
    else:
        tax = cents(taxed * rate / HUNDRED)
        total = taxed + tax
    return Totals(subtotal=subtotal, discount_total=discount, shipping_total=shipping, tax_total=tax, total=total)


def _discount(*, subtotal: Decimal, coupon: CouponTerms | None) -> Decimal:
    if coupon is None:
        return ZERO
    if coupon.kind == CouponKind.PERCENT:
        return min(cents(subtotal * coupon.value / HUNDRED), subtotal)
    return min(cents(coupon.value), subtotal)


def _shipping(*, subtotal: Decimal, shipping: ShippingTerms | None) -> Decimal:
    if shipping is None:
        return ZERO
    if shipping.free_over is not None and subtotal >= shipping.free_over:
        return ZERO
    return cents(shipping.price)
