from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.errors import OutOfStock
from catalog.services.stock import variant_stock_adjust
from catalog.tests.factories import OfferFactory, ProductFactory
from conftest import SHIPPING as SHIPPING_FIELDS
from orders.errors import CartEmpty, IllegalStatusTransition, InvalidOrderItem, OrderHasPayments, OrderLocked
from orders.models import Cart, CartItem, Order, OrderItem, OrderStatus
from orders.services.cart import (
    cart_checkout,
    cart_clear,
    cart_get_or_create,
    cart_item_add,
    cart_item_remove,
    cart_item_update,
)
from orders.services.lines import OrderLine
from orders.services.orders import (
    Shipping,
    order_delete,
    order_fulfilment_update,
    order_place,
    order_status_change,
    order_update,
    orders_detach_user,
)
from orders.tests.factories import CartItemFactory, OrderFactory
from shop.errors import NotFound

pytestmark = pytest.mark.django_db

SHIPPING = Shipping(**SHIPPING_FIELDS)


def _quantity(product) -> int:
    product.refresh_from_db()
    return product.quantity


# --- order_place ----------------------------------------------------------------


def test_place_snapshots_prices_discount_cost_and_name():
    user = UserFactory()
    product = ProductFactory(name="Wool coat", price=Decimal("80.00"), cost_price=Decimal("30.00"), quantity=5)
    OfferFactory(product=product, discount_percentage=Decimal("10"))
    OfferFactory(product=product, discount_percentage=Decimal("25"))

    order = order_place(user=user, lines=[OrderLine(product.pk, 2)], shipping=SHIPPING)

    item = order.items.get()
    assert (item.product_name, item.unit_price, item.unit_cost) == ("Wool coat", Decimal("80.00"), Decimal("30.00"))
    assert item.discount_percentage == Decimal("25")
    assert item.line_total == Decimal("120.00")
    # The subtotal is after offers: what a coupon and the free-shipping threshold apply to.
    assert (order.subtotal, order.total) == (Decimal("120.00"), Decimal("120.00"))
    assert order.status == OrderStatus.PENDING
    assert order.user == user


def test_place_reserves_stock():
    product = ProductFactory(quantity=5)

    order_place(user=UserFactory(), lines=[OrderLine(product.pk, 2), OrderLine(product.pk, 1)])

    assert _quantity(product) == 2


def test_place_stores_shipping_address():
    order = order_place(user=UserFactory(), lines=[OrderLine(ProductFactory().pk, 1)], shipping=SHIPPING)

    order.refresh_from_db()
    assert order.shipping_full_name == "Ada Lovelace"
    assert order.shipping_country.code == "GB"
    assert order.shipping_phone == "+44 20 0000"


def test_place_without_enough_stock_writes_nothing():
    plenty, short = ProductFactory(quantity=10), ProductFactory(quantity=1)

    with pytest.raises(OutOfStock):
        order_place(user=UserFactory(), lines=[OrderLine(plenty.pk, 3), OrderLine(short.pk, 2)])

    assert Order.objects.count() == 0
    assert (_quantity(plenty), _quantity(short)) == (10, 1)


def test_place_refuses_unknown_product_naming_the_line():
    product = ProductFactory()

    with pytest.raises(InvalidOrderItem) as raised:
        order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1), OrderLine(999999, 1)])

    assert raised.value.field == "items.1.product_id"
    assert _quantity(product) == 10


def test_place_refuses_disabled_product():
    product = ProductFactory(is_disabled=True)

    with pytest.raises(InvalidOrderItem):
        order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1)])


def test_place_refuses_empty_order():
    with pytest.raises(InvalidOrderItem):
        order_place(user=UserFactory(), lines=[])


def test_place_refuses_cancelled_as_first_status():
    with pytest.raises(InvalidOrderItem):
        order_place(user=UserFactory(), lines=[OrderLine(ProductFactory().pk, 1)], status=OrderStatus.CANCELLED)


def test_place_keeps_the_products_spelling_of_size_and_color():
    product = ProductFactory(sizes=["S", "M"], colors=["Navy Blue"])

    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1, "m", "navy blue")])

    assert order.items.values_list("size", "color").get() == ("M", "Navy Blue")


@pytest.mark.parametrize(
    ("size", "color", "field"),
    [("XL", "Red", "items.0.size"), ("S", "Green", "items.0.color"), ("", "Red", "items.0.size")],
)
def test_place_refuses_size_or_color_the_product_does_not_list(size, color, field):
    product = ProductFactory(sizes=["S"], colors=["Red"])

    with pytest.raises(InvalidOrderItem) as raised:
        order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1, size, color)])

    assert raised.value.field == field


def test_place_takes_any_size_when_the_product_lists_none():
    product = ProductFactory(sizes=[], colors=[])

    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1, "custom", "teal")])

    assert order.items.values_list("size", "color").get() == ("custom", "teal")


def test_place_ignores_expired_offers():
    product = ProductFactory(price=Decimal("10.00"))
    OfferFactory(product=product, end_date="2000-01-02T00:00:00Z", start_date="2000-01-01T00:00:00Z")

    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1)])

    assert order.total == Decimal("10.00")
    assert order.items.get().discount_percentage is None


def test_order_keeps_its_snapshot_when_the_product_is_deleted():
    product = ProductFactory(name="Old lamp")
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1)])

    product.delete()

    item = OrderItem.objects.get(order=order)
    assert (item.product_id, item.product_name) == (None, "Old lamp")


# --- order_update -----------------------------------------------------------------


def test_update_replaces_items_and_moves_only_the_difference_in_stock():
    kept, dropped, added = ProductFactory(quantity=3), ProductFactory(quantity=10), ProductFactory(quantity=10)
    order = order_place(user=UserFactory(), lines=[OrderLine(kept.pk, 3), OrderLine(dropped.pk, 2)])

    order = order_update(order=order, lines=[OrderLine(kept.pk, 2), OrderLine(added.pk, 4)], by_staff=False)

    assert (_quantity(kept), _quantity(dropped), _quantity(added)) == (1, 10, 6)
    assert sorted(order.items.values_list("product_id", "quantity")) == [(kept.pk, 2), (added.pk, 4)]
    assert order.total == Decimal("120.00")


def test_update_that_lacks_stock_leaves_the_order_as_it_was():
    product, scarce = ProductFactory(quantity=10), ProductFactory(quantity=1)
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 2)])

    with pytest.raises(OutOfStock):
        order_update(order=order, lines=[OrderLine(scarce.pk, 2)], by_staff=False)

    assert list(order.items.values_list("product_id", "quantity")) == [(product.pk, 2)]
    assert (_quantity(product), _quantity(scarce)) == (8, 1)


def test_customer_cannot_update_a_paid_order():
    order = order_place(user=UserFactory(), lines=[OrderLine(ProductFactory().pk, 1)])
    order_status_change(order=order, status=OrderStatus.PAID)

    with pytest.raises(OrderLocked):
        order_update(order=order, lines=[OrderLine(ProductFactory().pk, 1)], by_staff=False)


def test_staff_can_update_a_processing_order_but_not_a_shipped_one():
    product = ProductFactory(quantity=10)
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1)], status=OrderStatus.PROCESSING)

    order_update(order=order, lines=[OrderLine(product.pk, 2)], by_staff=True)
    order_status_change(order=order, status=OrderStatus.SHIPPED)

    assert _quantity(product) == 8
    with pytest.raises(OrderLocked):
        order_update(order=order, lines=[OrderLine(product.pk, 1)], by_staff=True)


def test_update_below_the_amount_paid_is_refused():
    product = ProductFactory(price=Decimal("20.00"))
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 2)])
    Order.objects.filter(pk=order.pk).update(amount_paid=Decimal("30.00"))

    with pytest.raises(OrderLocked):
        order_update(order=order, lines=[OrderLine(product.pk, 1)], by_staff=True)


def test_update_with_status_moves_it_through_the_state_machine():
    product = ProductFactory(quantity=10)
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 1)])

    order = order_update(order=order, lines=[OrderLine(product.pk, 3)], by_staff=True, status=OrderStatus.CANCELLED)

    assert order.status == OrderStatus.CANCELLED
    assert _quantity(product) == 10


# --- order_status_change ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("pending", "paid"),
        ("pending", "cancelled"),
        ("paid", "processing"),
        ("paid", "cancelled"),
        ("processing", "shipped"),
        ("processing", "cancelled"),
        ("shipped", "delivered"),
    ],
)
def test_legal_moves_are_applied(start, target):
    order = OrderFactory(status=start)

    assert order_status_change(order=order, status=target).status == target
    order.refresh_from_db()
    assert order.status == target


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("pending", "shipped", ["paid", "cancelled"]),
        ("paid", "pending", ["processing", "cancelled"]),
        ("shipped", "cancelled", ["delivered"]),
        ("delivered", "cancelled", []),
        ("cancelled", "paid", []),
        ("pending", "pending", ["paid", "cancelled"]),
    ],
)
def test_illegal_moves_raise_with_the_allowed_statuses(start, target, allowed):
    order = OrderFactory(status=start)

    with pytest.raises(IllegalStatusTransition) as raised:
        order_status_change(order=order, status=target)

    assert raised.value.extra == {"allowed": allowed}
    order.refresh_from_db()
    assert order.status == start


def test_cancelling_gives_the_stock_back():
    first, second = ProductFactory(quantity=5), ProductFactory(quantity=5)
    order = order_place(user=UserFactory(), lines=[OrderLine(first.pk, 2), OrderLine(second.pk, 5)])
    order_status_change(order=order, status=OrderStatus.PAID)

    order_status_change(order=order, status=OrderStatus.CANCELLED)

    assert (_quantity(first), _quantity(second)) == (5, 5)


def test_cancelling_an_order_whose_product_was_deleted_still_works():
    kept, gone = ProductFactory(quantity=5), ProductFactory(quantity=5)
    order = order_place(user=UserFactory(), lines=[OrderLine(kept.pk, 1), OrderLine(gone.pk, 1)])
    gone.delete()

    order_status_change(order=order, status=OrderStatus.CANCELLED)

    assert _quantity(kept) == 5


def test_fulfilment_update_sets_tracking_and_status_together():
    order = OrderFactory(status=OrderStatus.PROCESSING)

    order = order_fulfilment_update(order=order, status=OrderStatus.SHIPPED, tracking_number="1Z999")

    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "1Z999")


def test_fulfilment_update_with_an_illegal_move_keeps_the_old_tracking_number():
    order = OrderFactory(status=OrderStatus.PENDING, tracking_number="OLD")

    with pytest.raises(IllegalStatusTransition):
        order_fulfilment_update(order=order, status=OrderStatus.DELIVERED, tracking_number="NEW")

    order.refresh_from_db()
    assert order.tracking_number == "OLD"


# --- order_delete -----------------------------------------------------------------------


def test_delete_gives_the_stock_back():
    product = ProductFactory(quantity=5)
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 4)])

    order_delete(order=order, by_staff=False)

    assert not Order.objects.exists()
    assert _quantity(product) == 5


def test_delete_of_a_cancelled_order_does_not_give_stock_twice():
    product = ProductFactory(quantity=5)
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 4)])
    order_status_change(order=order, status=OrderStatus.CANCELLED)

    order_delete(order=order, by_staff=True)

    assert _quantity(product) == 5


def test_delete_of_a_shipped_order_does_not_restock():
    product = ProductFactory(quantity=5)
    order = order_place(user=UserFactory(), lines=[OrderLine(product.pk, 4)], status=OrderStatus.SHIPPED)

    order_delete(order=order, by_staff=True)

    assert _quantity(product) == 1


def test_delete_of_an_order_with_payments_is_refused():
    order = OrderFactory(amount_paid=Decimal("5.00"))

    with pytest.raises(OrderHasPayments):
        order_delete(order=order, by_staff=True)

    assert Order.objects.filter(pk=order.pk).exists()


def test_customer_cannot_delete_a_paid_order():
    order = OrderFactory(status=OrderStatus.PAID)

    with pytest.raises(OrderLocked):
        order_delete(order=order, by_staff=False)


# --- orders_detach_user -------------------------------------------------------------------


def test_detach_user_anonymises_only_that_users_orders():
    leaving, staying = UserFactory(), UserFactory()
    gone = OrderFactory(user=leaving, shipping_phone="0600", tracking_number="T1")
    OrderFactory(user=leaving)
    kept = OrderFactory(user=staying)

    assert orders_detach_user(user_id=leaving.pk) == 2

    gone.refresh_from_db()
    assert gone.user is None
    assert (gone.shipping_full_name, gone.shipping_address, gone.shipping_phone) == ("", "", "")
    assert (gone.shipping_city, gone.shipping_country.code, gone.tracking_number) == ("Lyon", "FR", "T1")
    kept.refresh_from_db()
    assert kept.user == staying and kept.shipping_full_name


def test_orders_survive_the_deletion_of_their_user():
    user = UserFactory()
    order = order_place(user=user, lines=[OrderLine(ProductFactory().pk, 1)], shipping=SHIPPING)

    orders_detach_user(user_id=user.pk)
    user.delete()

    order.refresh_from_db()
    assert order.user is None
    assert order.items.count() == 1


# --- cart ---------------------------------------------------------------------------------


def test_cart_is_created_once_per_user():
    user = UserFactory()

    assert cart_get_or_create(user=user) == cart_get_or_create(user=user)
    assert Cart.objects.filter(user=user).count() == 1


def test_adding_the_same_product_size_and_color_merges_lines():
    user, product = UserFactory(), ProductFactory(sizes=["S", "M"], quantity=10)

    cart_item_add(user=user, product_id=product.pk, quantity=2, size="M")
    cart_item_add(user=user, product_id=product.pk, quantity=3, size="m")
    cart_item_add(user=user, product_id=product.pk, quantity=1, size="S")

    assert sorted(CartItem.objects.values_list("size", "quantity")) == [("M", 5), ("S", 1)]


def test_adding_more_than_the_stock_is_refused_counting_what_is_already_in_the_cart():
    user, product = UserFactory(), ProductFactory(quantity=4)
    cart_item_add(user=user, product_id=product.pk, quantity=3)

    with pytest.raises(OutOfStock) as raised:
        cart_item_add(user=user, product_id=product.pk, quantity=2)

    assert raised.value.field == "quantity"
    assert CartItem.objects.get().quantity == 3


@pytest.mark.parametrize("disabled", [True, False])
def test_adding_an_unknown_or_disabled_product_is_not_found(disabled):
    product_id = ProductFactory(is_disabled=True).pk if disabled else 999999

    with pytest.raises(NotFound):
        cart_item_add(user=UserFactory(), product_id=product_id, quantity=1)


def test_adding_a_color_the_product_does_not_list_is_refused():
    product = ProductFactory(colors=["Red"])

    with pytest.raises(InvalidOrderItem) as raised:
        cart_item_add(user=UserFactory(), product_id=product.pk, quantity=1, color="Blue")

    assert raised.value.field == "color"


def test_updating_a_line_into_its_twin_merges_them():
    user, product = UserFactory(), ProductFactory(sizes=["S", "M"])
    small = cart_item_add(user=user, product_id=product.pk, quantity=1, size="S")
    medium = cart_item_add(user=user, product_id=product.pk, quantity=2, size="M")

    merged = cart_item_update(user=user, item_id=small.pk, size="M")

    assert merged.pk == medium.pk
    assert list(CartItem.objects.values_list("size", "quantity")) == [("M", 3)]


def test_updating_quantity_above_stock_is_refused():
    user, product = UserFactory(), ProductFactory(quantity=3)
    item = cart_item_add(user=user, product_id=product.pk, quantity=1)

    with pytest.raises(OutOfStock):
        cart_item_update(user=user, item_id=item.pk, quantity=4)


def test_another_users_cart_line_is_not_found():
    item = CartItemFactory()

    with pytest.raises(NotFound):
        cart_item_update(user=UserFactory(), item_id=item.pk, quantity=2)
    with pytest.raises(NotFound):
        cart_item_remove(user=UserFactory(), item_id=item.pk)
    assert CartItem.objects.filter(pk=item.pk).exists()


def test_remove_and_clear():
    user = UserFactory()
    first = cart_item_add(user=user, product_id=ProductFactory().pk, quantity=1)
    cart_item_add(user=user, product_id=ProductFactory().pk, quantity=1)
    cart_item_add(user=user, product_id=ProductFactory().pk, quantity=1)

    cart_item_remove(user=user, item_id=first.pk)
    assert CartItem.objects.count() == 2
    cart_clear(user=user)
    assert CartItem.objects.count() == 0


def test_checkout_places_the_order_and_empties_the_cart():
    user, product = UserFactory(), ProductFactory(quantity=5, sizes=["M"])
    cart_item_add(user=user, product_id=product.pk, quantity=2, size="M")

    order = cart_checkout(user=user, shipping=SHIPPING)

    assert order.items.values_list("product_id", "quantity", "size").get() == (product.pk, 2, "M")
    assert order.shipping_city == "London"
    assert not CartItem.objects.exists()
    assert _quantity(product) == 3


def test_checkout_of_an_empty_cart_is_refused():
    with pytest.raises(CartEmpty):
        cart_checkout(user=UserFactory(), shipping=SHIPPING)


def test_failed_checkout_leaves_the_cart_untouched():
    user, plenty, scarce = UserFactory(), ProductFactory(quantity=10), ProductFactory(quantity=5)
    cart_item_add(user=user, product_id=plenty.pk, quantity=2)
    cart_item_add(user=user, product_id=scarce.pk, quantity=5)
    variant_stock_adjust(variant_id=scarce.variants.get().pk, quantity=1)

    with pytest.raises(OutOfStock):
        cart_checkout(user=user, shipping=SHIPPING)

    assert sorted(CartItem.objects.values_list("product_id", "quantity")) == [(plenty.pk, 2), (scarce.pk, 5)]
    assert not Order.objects.exists()
    assert (_quantity(plenty), _quantity(scarce)) == (10, 1)


def test_checkout_refuses_a_product_disabled_since_it_was_added():
    user, product = UserFactory(), ProductFactory()
    cart_item_add(user=user, product_id=product.pk, quantity=1)
    product.is_disabled = True
    product.save()

    with pytest.raises(InvalidOrderItem):
        cart_checkout(user=user, shipping=SHIPPING)

    assert CartItem.objects.count() == 1
