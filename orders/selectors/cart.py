from decimal import Decimal

from django.conf import settings

from accounts.models import User
from catalog.pricing import final_price
from catalog.selectors import product_discounts_now
from orders.models import Cart
from orders.services.cart import cart_get_or_create
from orders.services.lines import line_sku, line_unit_price


def cart_detail(*, user: User) -> Cart:
    """The user's cart priced as of now, in a fixed number of queries whatever its size.

    Sets on the cart `lines` (its items, each with `sku`, `line_total` at its variant's price and
    its product's `discount_percentage` and `final_price`), `total`, `item_count` (units) and `currency`.
    """
    cart = cart_get_or_create(user=user)
    lines = list(cart.items.select_related("product", "variant").order_by("id"))
    discounts = product_discounts_now(product_ids={line.product_id for line in lines}) if lines else {}
    for line in lines:
        product = line.product
        product.discount_percentage = discounts.get(product.pk)
        product.final_price = final_price(product.price, product.discount_percentage)
        unit_price = line_unit_price(product=product, variant=line.variant)
        line.sku = line_sku(product=product, variant=line.variant)
        line.line_total = final_price(unit_price, product.discount_percentage) * line.quantity
    cart.lines = lines
    cart.total = sum((line.line_total for line in lines), Decimal("0.00"))
    cart.item_count = sum(line.quantity for line in lines)
    cart.currency = settings.SHOP_CURRENCY
    return cart
