"""Stock movements for orders: the only code that changes `Product.quantity` when goods are sold.

Every movement is a conditional `UPDATE ... SET quantity = quantity - n WHERE quantity >= n`,
so the database itself refuses to sell a unit twice, whatever the isolation level. Rows are
touched in product id order: two orders over the same products always take their row locks
in the same order, so they queue instead of deadlocking.
"""

from collections import Counter
from collections.abc import Mapping

from django.db import transaction
from django.db.models import F

from catalog.cache import catalog_changed
from catalog.errors import OutOfStock
from catalog.models import Product
from shop.metrics import STOCK_CONFLICTS


@transaction.atomic
def stock_move(*, release: Mapping[int, int] | None = None, reserve: Mapping[int, int] | None = None) -> None:
    """Give back `release` and take `reserve` ({product_id: units}) in one pass.

    Netting both per product before touching any row keeps a single lock order even when an
    order's items are replaced. Runs inside the caller's transaction (as a savepoint, so a
    shortage undoes only this call), or in its own. Raises OutOfStock (409, field "items",
    naming the product) when a product has fewer units than asked. Releasing to a deleted
    product is a no-op.
    """
    net: Counter[int] = Counter()
    for product_id, units in (reserve or {}).items():
        net[product_id] += units
    for product_id, units in (release or {}).items():
        net[product_id] -= units
    for product_id in sorted(net):
        units = net[product_id]
        if units > 0:
            taken = Product.objects.filter(pk=product_id, quantity__gte=units).update(quantity=F("quantity") - units)
            if not taken:
                raise _out_of_stock(product_id, units)
        elif units < 0:
            Product.objects.filter(pk=product_id).update(quantity=F("quantity") - units)
    if any(net.values()):
        # Stock and in_stock show in every product answer; cached ones must not outlive the move.
        catalog_changed()


def stock_reserve(*, lines: Mapping[int, int]) -> None:
    """Take `lines` ({product_id: units}) out of stock; raises OutOfStock if any product is short."""
    stock_move(reserve=lines)


def stock_release(*, lines: Mapping[int, int]) -> None:
    """Put `lines` ({product_id: units}) back in stock."""
    stock_move(release=lines)


def _out_of_stock(product_id: int, wanted: int) -> OutOfStock:
    STOCK_CONFLICTS.inc()
    product = Product.objects.filter(pk=product_id).values("name", "quantity").first()
    if product is None:
        return OutOfStock(f"Product {product_id} no longer exists.", field="items", extra={"product_id": product_id})
    return OutOfStock(
        f"Not enough stock for {product['name']}: {product['quantity']} left, {wanted} asked.",
        field="items",
        extra={"product_id": product_id, "available": product["quantity"]},
    )
