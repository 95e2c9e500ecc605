"""The pricing function's arithmetic, every expected amount worked out by hand (not by the code under test)."""

from decimal import Decimal

import pytest

from orders.pricing import CouponTerms, PricingTerms, ShippingTerms, Totals, totals_compute

D = Decimal
PERCENT_10 = CouponTerms("SAVE10", "percent", D("10"))
STANDARD = ShippingTerms(1, "Standard", D("5.00"))
FREE_OVER_50 = ShippingTerms(2, "Free over 50", D("4.90"), D("50.00"))


def _totals(subtotal, discount, shipping, tax, total) -> Totals:
    return Totals(D(subtotal), D(discount), D(shipping), D(tax), D(total))


CASES = {
    # lines, terms: subtotal, discount, shipping, tax, total
    "tax included: the tax inside 100.00 at 20 % is 100 * 20 / 120 = 16.666..": (
        ["100.00"],
        PricingTerms(tax_rate=D("20")),
        _totals("100.00", "0.00", "0.00", "16.67", "100.00"),
    ),
    "tax excluded: 20 % of 100.00 is added": (
        ["100.00"],
        PricingTerms(tax_rate=D("20"), prices_include_tax=False),
        _totals("100.00", "0.00", "0.00", "20.00", "120.00"),
    ),
    "percent coupon, shipping, tax added on subtotal - discount + shipping": (
        # 45.50 - 4.55 + 5.00 = 45.95; 20 % of it 9.19
        ["30.00", "15.50"],
        PricingTerms(coupon=PERCENT_10, shipping=STANDARD, tax_rate=D("20"), prices_include_tax=False),
        _totals("45.50", "4.55", "5.00", "9.19", "55.14"),
    ),
    "the same, tax included: 45.95 * 20 / 120 = 7.6583..": (
        ["30.00", "15.50"],
        PricingTerms(coupon=PERCENT_10, shipping=STANDARD, tax_rate=D("20")),
        _totals("45.50", "4.55", "5.00", "7.66", "45.95"),
    ),
    "a fixed coupon larger than the subtotal takes the subtotal, never more": (
        ["10.00"],
        PricingTerms(coupon=CouponTerms("TAKE15", "fixed", D("15.00")), shipping=STANDARD),
        _totals("10.00", "10.00", "5.00", "0.00", "5.00"),
    ),
    "a fixed coupon below the subtotal": (
        ["25.00", "12.40"],
        PricingTerms(coupon=CouponTerms("TAKE5", "fixed", D("5.00"))),
        _totals("37.40", "5.00", "0.00", "0.00", "32.40"),
    ),
    "a 100 % coupon: only shipping is left to pay": (
        ["19.99"],
        PricingTerms(coupon=CouponTerms("FREE", "percent", D("100")), shipping=STANDARD),
        _totals("19.99", "19.99", "5.00", "0.00", "5.00"),
    ),
    "free_over reached exactly (>=): free shipping": (
        ["50.00"],
        PricingTerms(shipping=FREE_OVER_50),
        _totals("50.00", "0.00", "0.00", "0.00", "50.00"),
    ),
    "free_over one cent short: shipping charged": (
        ["49.99"],
        PricingTerms(shipping=FREE_OVER_50),
        _totals("49.99", "0.00", "4.90", "0.00", "54.89"),
    ),
    "free_over compares the subtotal before the coupon: 50.00 - 5.00 still ships free": (
        ["20.00", "30.00"],
        PricingTerms(coupon=PERCENT_10, shipping=FREE_OVER_50),
        _totals("50.00", "5.00", "0.00", "0.00", "45.00"),
    ),
    "half a cent of discount rounds up: 12.5 % of 0.20 = 0.025": (
        ["0.20"],
        PricingTerms(coupon=CouponTerms("ODD", "percent", D("12.5"))),
        _totals("0.20", "0.03", "0.00", "0.00", "0.17"),
    ),
    "half a cent of added tax rounds up: 10 % of 0.05 = 0.005": (
        ["0.05"],
        PricingTerms(tax_rate=D("10"), prices_include_tax=False),
        _totals("0.05", "0.00", "0.00", "0.01", "0.06"),
    ),
    "half a cent of included tax rounds up: 49.47 * 20 / 120 = 8.245": (
        ["49.47"],
        PricingTerms(tax_rate=D("20")),
        _totals("49.47", "0.00", "0.00", "8.25", "49.47"),
    ),
    "shipping is taxed at the same rate: 5.00 shipping alone, 20 % added": (
        ["0.00"],
        PricingTerms(shipping=STANDARD, tax_rate=D("20"), prices_include_tax=False),
        _totals("0.00", "0.00", "5.00", "1.00", "6.00"),
    ),
    "multi-line order after offers (14.99 x 3 + 10.00), 10 %, free shipping, tax included": (
        # 54.97 - 5.50 (5.497) + 0 = 49.47; 49.47 / 6 = 8.245 -> 8.25
        ["44.97", "10.00"],
        PricingTerms(coupon=PERCENT_10, shipping=FREE_OVER_50, tax_rate=D("20")),
        _totals("54.97", "5.50", "0.00", "8.25", "49.47"),
    ),
    "no rate for the country: no tax": (
        ["12.00"],
        PricingTerms(shipping=STANDARD, prices_include_tax=False),
        _totals("12.00", "0.00", "5.00", "0.00", "17.00"),
    ),
}


@pytest.mark.parametrize(("lines", "terms", "expected"), CASES.values(), ids=CASES.keys())
def test_totals_compute(lines, terms, expected):
    assert totals_compute(line_totals=[D(line) for line in lines], terms=terms) == expected


def test_terms_survive_their_snapshot():
    terms = PricingTerms(coupon=PERCENT_10, shipping=FREE_OVER_50, tax_rate=D("7.70"), prices_include_tax=False)

    assert PricingTerms.from_snapshot(terms.snapshot()) == terms


def test_an_order_without_terms_is_priced_on_its_lines_alone():
    terms = PricingTerms.from_snapshot({}, prices_include_tax=False)

    assert totals_compute(line_totals=[D("3.10"), D("4.00")], terms=terms) == _totals(
        "7.10", "0.00", "0.00", "0.00", "7.10"
    )
