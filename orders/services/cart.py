from django.db import transaction

from accounts.models import User
from catalog.errors import OutOfStock
from catalog.models import Product, ProductVariant
from orders.errors import CartEmpty, ProductNotFound
from orders.models import Cart, CartItem, Order
from orders.services.lines import OrderLine, ResolvedLine, line_quantity_check, line_resolve
from orders.services.orders import Shipping, order_amounts_check, order_place
from shop.errors import NotFound


def cart_get_or_create(*, user: User) -> Cart:
    """The user's one cart, created on first use.

    Two first requests racing both try the insert; the unique user column lets one win and
    `get_or_create` reads the winner's row for the other.
    """
    cart, _ = Cart.objects.get_or_create(user=user)
    return cart


@transaction.atomic
def cart_item_add(
    *,
    user: User,
    quantity: int,
    product_id: int | None = None,
    variant_id: int | None = None,
    size: str = "",
    color: str = "",
) -> CartItem:
    """Put `quantity` units of a variant in the user's cart, merging with the line of the same variant
    (and, on a product with one stock pool, the same size and color).

    The variant is `variant_id`, or the product's active variant matching `size` and `color`
    (see `orders.services.lines`). Raises ProductNotFound (404) for an unknown or disabled
    product, InvalidOrderItem (400) for a variant not for sale, a size or color matching none
    or several variants, or a line past MAX_LINE_QUANTITY units, OutOfStock (409) when the
    line would exceed the variant's stock, AmountTooLarge (400) when the cart could no longer
    be checked out (see `order_amounts_check`). Stock is only checked here; it is reserved
    at checkout.
    """
    cart = _cart_locked(user=user)
    if variant_id is None and not Product.objects.filter(pk=product_id, is_disabled=False).exists():
        raise ProductNotFound(field="product_id")
    line = line_resolve(line=OrderLine(product_id, quantity, size, color, variant_id))
    item = CartItem.objects.filter(cart=cart, variant=line.variant, size=line.size, color=line.color).first()
    wanted = quantity + (item.quantity if item else 0)
    line_quantity_check(quantity=wanted)
    _stock_check(line=line, quantity=wanted)
    _amounts_check(cart=cart, line=line, quantity=wanted, replacing={item.pk} if item else set())
    if item is None:
        item = CartItem.objects.create(
            cart=cart, product=line.product, variant=line.variant, quantity=wanted, size=line.size, color=line.color
        )
    else:
        item.quantity = wanted
        item.save(update_fields=["quantity"])
    _cart_touch(cart=cart)
    return item


@transaction.atomic
def cart_item_update(
    *,
    user: User,
    item_id: int,
    quantity: int | None = None,
    size: str | None = None,
    color: str | None = None,
    variant_id: int | None = None,
) -> CartItem:
    """Change a line's quantity, or its variant (by `variant_id`, or by size and color among the
    product's variants); a line that becomes another's twin merges into it.

    Raises NotFound (404) for a line that is not in the user's cart, InvalidOrderItem (400)
    (also for a variant of another product, or a merged line past MAX_LINE_QUANTITY units),
    OutOfStock (409), AmountTooLarge (400).
    """
    cart = _cart_locked(user=user)
    item = _item_get(cart=cart, item_id=item_id)
    quantity = item.quantity if quantity is None else quantity
    if variant_id is None and size is None and color is None:
        # Only the quantity changes: the line keeps its variant rather than being matched again.
        variant_id = item.variant_id
    line = line_resolve(
        line=OrderLine(
            item.product_id,
            quantity,
            item.size if size is None else size,
            item.color if color is None else color,
            variant_id,
        )
    )
    twin = (
        CartItem.objects.filter(cart=cart, variant=line.variant, size=line.size, color=line.color)
        .exclude(pk=item.pk)
        .first()
    )
    if twin is not None:
        quantity += twin.quantity
    line_quantity_check(quantity=quantity)
    _stock_check(line=line, quantity=quantity)
    _amounts_check(cart=cart, line=line, quantity=quantity, replacing={item.pk, twin.pk if twin else None})
    if twin is not None:
        item.delete()
        item = twin
    item.quantity, item.variant, item.size, item.color = quantity, line.variant, line.size, line.color
    item.save(update_fields=["quantity", "variant", "size", "color"])
    _cart_touch(cart=cart)
    return item


@transaction.atomic
def cart_item_remove(*, user: User, item_id: int) -> None:
    """Remove a line; raises NotFound (404) when it is not in the user's cart."""
    cart = _cart_locked(user=user)
    _item_get(cart=cart, item_id=item_id).delete()
    _cart_touch(cart=cart)


@transaction.atomic
def cart_clear(*, user: User) -> Cart:
    """Empty the user's cart."""
    cart = _cart_locked(user=user)
    cart.items.all().delete()
    _cart_touch(cart=cart)
    return cart


@transaction.atomic
def cart_checkout(
    *,
    user: User,
    shipping: Shipping | None = None,
    address_id: int | None = None,
    shipping_method_id: int | None = None,
) -> Order:
    """Turn the user's cart into an order (see `order_place`) with its coupon, and empty it, in one transaction.

    The cart row stays locked until commit, so a double-clicked checkout places one order
    and the second finds the cart empty. Raises CartEmpty (400) and whatever `order_place`
    raises; the cart is then left exactly as it was.
    """
    cart = _cart_locked(user=user)
    items = list(cart.items.all())
    if not items:
        raise CartEmpty()
    lines = [OrderLine(item.product_id, item.quantity, item.size, item.color, item.variant_id) for item in items]
    coupon_code = cart.coupon.code if cart.coupon else None
    order = order_place(
        user=user,
        lines=lines,
        shipping=shipping,
        address_id=address_id,
        shipping_method_id=shipping_method_id,
        coupon_code=coupon_code,
    )
    cart.items.all().delete()
    cart.coupon = None
    cart.save(update_fields=["coupon", "updated_at"])
    return order


def _cart_locked(*, user: User) -> Cart:
    # The cart row is the user's cart mutex: concurrent adds and checkouts of one user queue on it.
    cart, _ = Cart.objects.select_for_update().get_or_create(user=user)
    return cart


def _item_get(*, cart: Cart, item_id: int) -> CartItem:
    item = CartItem.objects.select_related("product").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise NotFound("Cart item not found")
    return item


def _stock_check(*, line: ResolvedLine, quantity: int) -> None:
    variant = line.variant
    if quantity > variant.quantity:
        raise OutOfStock(
            f"Not enough stock for {line.product.name}: {variant.quantity} left, {quantity} asked.",
            field="quantity",
            extra={"product_id": line.product.pk, "variant_id": variant.pk, "available": variant.quantity},
        )


def _amounts_check(*, cart: Cart, line: ResolvedLine, quantity: int, replacing: set[int | None]) -> None:
    """Raise AmountTooLarge (field `quantity`) when the cart, with the line about to be written in place
    of the `replacing` ones, could not be checked out: its order would hold an amount too large to store."""
    others = cart.items.select_related("variant__product").exclude(pk__in=replacing - {None})
    lines: list[tuple[ProductVariant, int]] = [(other.variant, other.quantity) for other in others]
    line.variant.product = line.product
    order_amounts_check(lines=[*lines, (line.variant, quantity)], field="quantity")


def _cart_touch(*, cart: Cart) -> None:
    cart.save(update_fields=["updated_at"])
