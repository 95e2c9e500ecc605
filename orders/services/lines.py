"""What cart lines and order lines share: a product, a quantity and the variant chosen."""

from dataclasses import dataclass

from catalog.models import Product
from orders.errors import InvalidOrderItem

# The most units one cart or order line may hold.
MAX_LINE_QUANTITY = 10_000


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    quantity: int
    size: str = ""
    color: str = ""


def line_variant_resolve(*, product: Product, size: str, color: str, field_prefix: str = "") -> tuple[str, str]:
    """The product's own spelling of `size` and `color` (matched case-insensitively).

    A product that lists sizes (or colors) needs one of them; one that lists none takes
    whatever the customer wrote. Raises InvalidOrderItem naming the bad field, under
    `field_prefix` when given ("items.0" gives "items.0.size").
    """
    prefix = f"{field_prefix}." if field_prefix else ""
    return (
        _option_resolve(choices=product.sizes, value=size, what="size", product=product, field=f"{prefix}size"),
        _option_resolve(choices=product.colors, value=color, what="color", product=product, field=f"{prefix}color"),
    )


def line_quantity_check(*, quantity: int, field: str = "quantity") -> None:
    """Raise InvalidOrderItem naming `field` unless 1 <= quantity <= MAX_LINE_QUANTITY."""
    if quantity < 1:
        raise InvalidOrderItem("Quantity must be at least 1.", field=field)
    if quantity > MAX_LINE_QUANTITY:
        raise InvalidOrderItem(
            f"A line holds at most {MAX_LINE_QUANTITY} units; this one would hold {quantity}.", field=field
        )


def _option_key(value: str) -> tuple[int, str]:
    # Case-insensitive, but only between spellings of one length: casefold alone matches "ß"
    # with "SS", and the option stored is the product's own spelling, so a 21-letter answer
    # could store a 42-letter option.
    return len(value), value.casefold()


def _option_resolve(*, choices, value: str, what: str, product: Product, field: str) -> str:
    value = (value or "").strip()
    if not choices:
        return value
    spellings = [str(choice).strip() for choice in choices]
    by_key = {_option_key(spelling): spelling for spelling in spellings}
    if _option_key(value) in by_key:
        return by_key[_option_key(value)]
    listed = ", ".join(by_key.values())
    if not value:
        raise InvalidOrderItem(f"Choose a {what} for {product.name}: {listed}.", field=field)
    raise InvalidOrderItem(f"{product.name} has no {what} {value!r}; choose one of: {listed}.", field=field)
