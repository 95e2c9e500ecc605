"""Stock movements per variant: the only code that changes `ProductVariant.quantity` and `Product.quantity`.

Every movement is a conditional `UPDATE ... SET quantity = quantity - n WHERE quantity >= n`
on the variant, so the database itself refuses to sell a unit twice, whatever the isolation
level. `Product.quantity`, the sum of the product's active variants, moves by the same net
amounts in the same transaction.

Lock order, the same in every transaction that moves stock: variants in id order, then
products in id order. Two orders over the same variants take their row locks in the same
order, so they queue instead of deadlocking; code that changes a variant and then its
product's counter (catalog/services/variants.py) keeps that order too.
"""

from collections import Counter
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts.models import User
from catalog.cache import catalog_changed
from catalog.errors import OutOfStock, StockChanged
from catalog.models import Product, ProductVariant, StockAdjustment
from shop.errors import InvalidInput, NotFound
from shop.metrics import STOCK_CONFLICTS
from shop.webhooks.models import WebhookEventType
from shop.webhooks.services import webhook_event_record


@transaction.atomic
def stock_move(*, release: Mapping[int, int] | None = None, reserve: Mapping[int, int] | None = None) -> None:
    """Give back `release` and take `reserve` ({variant_id: units}) in one pass.

    Netting both per variant before touching any row keeps a single lock order even when an
    order's items are replaced. Runs inside the caller's transaction (as a savepoint, so a
    shortage undoes only this call), or in its own. Raises OutOfStock (409, field "items",
    naming the product and variant) when a variant has fewer units than asked or is no longer
    sold. Releasing to a deleted variant is a no-op. Writes stock.low for a variant that falls
    to LOW_STOCK_THRESHOLD.
    """
    net: Counter[int] = Counter()
    for variant_id, units in (reserve or {}).items():
        net[variant_id] += units
    for variant_id, units in (release or {}).items():
        net[variant_id] -= units
    _variants_move(net=net, field="items", for_sale=True)


def stock_reserve(*, lines: Mapping[int, int]) -> None:
    """Take `lines` ({variant_id: units}) out of stock; raises OutOfStock if any variant is short."""
    stock_move(reserve=lines)


def stock_release(*, lines: Mapping[int, int]) -> None:
    """Put `lines` ({variant_id: units}) back in stock."""
    stock_move(release=lines)


@transaction.atomic
def variant_stock_adjust(
    *,
    variant_id: int,
    delta: int | None = None,
    quantity: int | None = None,
    expected_quantity: int | None = None,
    reason: str = "",
    actor: User | None = None,
) -> ProductVariant:
    """Move a variant's stock by `delta`, or set it to a counted `quantity`; log why in StockAdjustment.

    Exactly one of `delta` and `quantity`. `delta` is applied atomically where the stock is
    (never read and written back). `quantity` is a count; with `expected_quantity` (the value
    the caller showed) it is refused when the stock moved since, so a stale screen cannot
    overwrite a sale. Works on inactive variants too (their stock does not count in the
    product's). Raises InvalidInput (400) for neither or both, NotFound (404) for an unknown
    variant, OutOfStock (409) when `delta` would go below zero, StockChanged (409). Writes
    stock.low when the variant falls to LOW_STOCK_THRESHOLD. Returns the variant as stored.
    """
    if (delta is None) == (quantity is None):
        raise InvalidInput("Send either delta or quantity.", field="delta" if delta is None else "quantity")
    if quantity is not None and quantity < 0:
        raise InvalidInput("A counted stock cannot be negative.", field="quantity")
    if quantity is not None:
        # A count replaces the stock, so the row is read under its lock to know the difference.
        current = ProductVariant.objects.select_for_update().filter(pk=variant_id).values_list("quantity", flat=True)
        current = current.first()
        if current is None:
            raise NotFound("Variant not found")
        if expected_quantity is not None and expected_quantity != current:
            STOCK_CONFLICTS.inc()
            raise StockChanged(
                f"The stock is now {current}, not {expected_quantity}: it moved since you read it.",
                field="expected_quantity",
                extra={"variant_id": variant_id, "quantity": current},
            )
        delta = quantity - current
    elif not ProductVariant.objects.filter(pk=variant_id).exists():
        raise NotFound("Variant not found")
    moved = _variants_move(net={variant_id: -delta}, field="delta", for_sale=False)
    variant = moved[variant_id] if moved else ProductVariant.objects.get(pk=variant_id)
    StockAdjustment.objects.create(
        variant=variant, delta=delta, quantity_after=variant.quantity, reason=reason[:200], actor=actor
    )
    return variant


def _variants_move(*, net: Mapping[int, int], field: str, for_sale: bool) -> dict[int, ProductVariant]:
    """Take `net` ({variant_id: units}, negative gives back) from the variants, then their products.

    `for_sale`: units are taken only from active variants (a sale); staff may count any.
    Returns the variants moved, as stored after the move (read under the locks just taken).
    """
    moving = sorted(variant_id for variant_id, units in net.items() if units)
    for variant_id in moving:
        units = net[variant_id]
        variants = ProductVariant.objects.filter(pk=variant_id)
        if units > 0:
            if for_sale:
                variants = variants.filter(is_active=True)
            taken = variants.filter(quantity__gte=units).update(quantity=F("quantity") - units)
            if not taken:
                raise _out_of_stock(variant_id, units, field=field)
        else:
            variants.update(quantity=F("quantity") - units)
    if not moving:
        return {}
    # The rows are locked by this transaction's UPDATEs, so this reads them as they now are
    # (a deactivation committed before our UPDATE included).
    moved = ProductVariant.objects.filter(pk__in=moving).in_bulk()
    product_net: Counter[int] = Counter()
    low = []
    for variant in moved.values():
        units = net[variant.pk]
        if variant.is_active:
            product_net[variant.product_id] -= units
        if variant.quantity <= settings.LOW_STOCK_THRESHOLD < variant.quantity + units:
            low.append(variant)
    for product_id in sorted(product_net):
        if product_net[product_id]:
            Product.objects.filter(pk=product_id).update(quantity=F("quantity") + product_net[product_id])
    for variant in low:
        webhook_event_record(type=WebhookEventType.STOCK_LOW, data=stock_low_data(variant=variant))
    # Stock and in_stock show in every product answer; UPDATEs send no signals, and a cached
    # answer must not outlive the move.
    catalog_changed()
    return moved


def stock_low_data(*, variant: ProductVariant) -> dict:
    """The `data` of a stock.low event."""
    return {
        "variant_id": variant.pk,
        "product_id": variant.product_id,
        "sku": variant.sku,
        "size": variant.size,
        "color": variant.color,
        "quantity": variant.quantity,
        "threshold": settings.LOW_STOCK_THRESHOLD,
    }


def _out_of_stock(variant_id: int, wanted: int, *, field: str) -> OutOfStock:
    STOCK_CONFLICTS.inc()
    variant = (
        ProductVariant.objects.filter(pk=variant_id)
        .values("product_id", "product__name", "size", "color", "quantity", "is_active")
        .first()
    )
    if variant is None:
        return OutOfStock(f"Variant {variant_id} no longer exists.", field=field, extra={"variant_id": variant_id})
    options = " / ".join(option for option in (variant["size"], variant["color"]) if option)
    name = f"{variant['product__name']} ({options})" if options else variant["product__name"]
    available = variant["quantity"] if variant["is_active"] else 0
    return OutOfStock(
        f"Not enough stock for {name}: {available} left, {wanted} asked.",
        field=field,
        extra={"product_id": variant["product_id"], "variant_id": variant_id, "available": available},
    )
