"""Money arithmetic shared by the catalog and by order snapshots."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def final_price(price: Decimal, discount_percentage: Decimal | None) -> Decimal:
    """The price after a percentage discount, rounded half-up to the cent."""
    if not discount_percentage:
        return price.quantize(CENT, rounding=ROUND_HALF_UP)
    return (price * (Decimal(100) - discount_percentage) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
