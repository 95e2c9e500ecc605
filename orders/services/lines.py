"""What cart lines and order lines share: a product, a quantity and the variant chosen."""

from dataclasses import dataclass

from catalog.models import Product
from orders.errors import InvalidOrderItem


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


def _option_resolve(*, choices, value: str, what: str, product: Product, field: str) -> str:
    value = (value or "").strip()
    if not choices:
        return value
    by_key = {str(choice).strip().casefold(): str(choice) for choice in choices}
    if value.casefold() in by_key:
        return by_key[value.casefold()]
    listed = ", ".join(by_key.values())
    if not value:
        raise InvalidOrderItem(f"Choose a {what} for {product.name}: {listed}.", field=field)
    raise InvalidOrderItem(f"{product.name} has no {what} {value!r}; choose one of: {listed}.", field=field)
