"""What cart lines and order lines share: the variant a line draws stock from, its options and quantity.

A line names its variant (`variant_id`) or, as seed-shaped clients do, a product with a size
and colour, resolved to the one active variant they match. A product with a single default
variant and `sizes`/`colors` lists (one stock pool) takes any listed option on that pool.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from catalog.models import Product, ProductVariant
from orders.errors import InvalidOrderItem

# The most units one cart or order line may hold.
MAX_LINE_QUANTITY = 10_000


@dataclass(frozen=True)
class OrderLine:
    product_id: int | None
    quantity: int
    size: str = ""
    color: str = ""
    variant_id: int | None = None


@dataclass(frozen=True)
class ResolvedLine:
    product: Product
    variant: ProductVariant
    quantity: int
    size: str
    color: str

    @property
    def sku(self) -> str:
        return line_sku(product=self.product, variant=self.variant)


def lines_resolve(*, lines: Sequence[OrderLine], field_prefix: str = "items.{index}") -> list[ResolvedLine]:
    """The product, active variant and options of each line, in three queries whatever the count.

    Errors name the field under `field_prefix` formatted with the line's index ("items.0"
    gives "items.0.size"; "" gives "size"). Raises InvalidOrderItem (400) for an unknown or
    disabled product, a variant not for sale, and a size/colour that matches no active
    variant or several.
    """
    variant_ids = {line.variant_id for line in lines if line.variant_id is not None}
    named = ProductVariant.objects.filter(pk__in=variant_ids).in_bulk() if variant_ids else {}
    product_ids = {line.product_id for line in lines if line.product_id is not None}
    product_ids |= {variant.product_id for variant in named.values()}
    products = Product.objects.filter(pk__in=product_ids, is_disabled=False).in_bulk()
    active: dict[int, list[ProductVariant]] = defaultdict(list)
    for variant in ProductVariant.objects.filter(product_id__in=products, is_active=True).order_by("pk"):
        active[variant.product_id].append(variant)
    return [
        _line_resolve(line=line, named=named, products=products, active=active, prefix=field_prefix.format(index=index))
        for index, line in enumerate(lines)
    ]


def line_resolve(*, line: OrderLine) -> ResolvedLine:
    """`lines_resolve` for one cart line; errors name the bare field ("size")."""
    return lines_resolve(lines=[line], field_prefix="")[0]


def line_sku(*, product: Product, variant: ProductVariant) -> str:
    """The SKU a line shows: the variant's, else (a default variant) the product's."""
    return variant.sku or product.sku or ""


def line_unit_price(*, product: Product, variant: ProductVariant):
    """The variant's price, or the product's when the variant has none (before any offer)."""
    return product.price if variant.price is None else variant.price


def line_quantity_check(*, quantity: int, field: str = "quantity") -> None:
    """Raise InvalidOrderItem naming `field` unless 1 <= quantity <= MAX_LINE_QUANTITY."""
    if quantity < 1:
        raise InvalidOrderItem("Quantity must be at least 1.", field=field)
    if quantity > MAX_LINE_QUANTITY:
        raise InvalidOrderItem(
            f"A line holds at most {MAX_LINE_QUANTITY} units; this one would hold {quantity}.", field=field
        )


def _field(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _line_resolve(*, line: OrderLine, named, products, active, prefix: str) -> ResolvedLine:
    if line.variant_id is not None:
        variant = named.get(line.variant_id)
        product = products.get(variant.product_id) if variant else None
        wrong_product = line.product_id is not None and variant is not None and variant.product_id != line.product_id
        if variant is None or not variant.is_active or product is None or wrong_product:
            raise InvalidOrderItem(
                f"Variant {line.variant_id} is not for sale{' for this product' if wrong_product else ''}.",
                field=_field(prefix, "variant_id"),
            )
        variants = [variant]
    else:
        product = products.get(line.product_id)
        if product is None:
            raise InvalidOrderItem(f"Product {line.product_id} does not exist.", field=_field(prefix, "product_id"))
        variants = active[product.pk]
        if not variants:
            raise InvalidOrderItem(f"{product.name} is not for sale.", field=_field(prefix, "product_id"))
    if len(variants) == 1 and variants[0].is_default:
        # One stock pool: the options are the product's lists (any listed one, or free when none).
        size = _option_resolve(choices=product.sizes, value=line.size, what="size", product=product, prefix=prefix)
        color = _option_resolve(choices=product.colors, value=line.color, what="color", product=product, prefix=prefix)
        return ResolvedLine(product, variants[0], line.quantity, size, color)
    variant = _variant_match(variants=variants, line=line, product=product, prefix=prefix)
    return ResolvedLine(
        product,
        variant,
        line.quantity,
        variant.size or (line.size or "").strip(),
        variant.color or (line.color or "").strip(),
    )


def _variant_match(*, variants: list[ProductVariant], line: OrderLine, product: Product, prefix: str):
    """The one variant whose size and colour match the line's (case-insensitively).

    An option no variant uses (colour-only variants) is not matched: the customer's text is kept.
    """
    candidates = variants
    for what in ("size", "color"):
        value = (getattr(line, what) or "").strip()
        spellings = _spellings(variants, what)
        if not spellings or not value:
            continue
        candidates = [variant for variant in candidates if _option_key(getattr(variant, what)) == _option_key(value)]
        if not candidates:
            listed = ", ".join(_spellings(variants, what))
            raise InvalidOrderItem(
                f"{product.name} has no {what} {value!r} for sale; choose one of: {listed}.",
                field=_field(prefix, what),
            )
    if len(candidates) == 1:
        return candidates[0]
    for what in ("size", "color"):
        if len(_spellings(candidates, what)) > 1:
            listed = ", ".join(_spellings(candidates, what))
            raise InvalidOrderItem(f"Choose a {what} for {product.name}: {listed}.", field=_field(prefix, what))
    # Two active variants with the same options cannot be created; an old pair is still ambiguous.
    raise InvalidOrderItem(f"Choose a variant of {product.name} by variant_id.", field=_field(prefix, "variant_id"))


def _spellings(variants: Sequence[ProductVariant], what: str) -> list[str]:
    return list(dict.fromkeys(getattr(variant, what) for variant in variants if getattr(variant, what)))


def _option_key(value: str) -> tuple[int, str]:
    # Case-insensitive, but only between spellings of one length: casefold alone matches "ß"
    # with "SS", and the option stored is the product's own spelling, so a 21-letter answer
    # could store a 42-letter option.
    return len(value), value.casefold()


def _option_resolve(*, choices, value: str, what: str, product: Product, prefix: str) -> str:
    value = (value or "").strip()
    if not choices:
        return value
    field = _field(prefix, what)
    spellings = [str(choice).strip() for choice in choices]
    by_key = {_option_key(spelling): spelling for spelling in spellings}
    if _option_key(value) in by_key:
        return by_key[_option_key(value)]
    listed = ", ".join(by_key.values())
    if not value:
        raise InvalidOrderItem(f"Choose a {what} for {product.name}: {listed}.", field=field)
    raise InvalidOrderItem(f"{product.name} has no {what} {value!r}; choose one of: {listed}.", field=field)
