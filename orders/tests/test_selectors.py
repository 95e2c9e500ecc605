from decimal import Decimal

import pytest
from django.http import Http404

from accounts.tests.factories import StaffFactory, UserFactory
from catalog.tests.factories import OfferFactory, ProductFactory
from orders.selectors.cart import cart_detail
from orders.selectors.orders import order_get_for, order_list_for
from orders.tests.factories import CartFactory, CartItemFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_cart_detail_prices_lines_with_the_best_offer_of_now():
    cart = CartFactory()
    product = ProductFactory(price=Decimal("9.99"))
    OfferFactory(product=product, discount_percentage=Decimal("15"))
    OfferFactory(product=product, discount_percentage=Decimal("33"))
    CartItemFactory(cart=cart, product=product, quantity=3)

    detail = cart_detail(user=cart.user)

    [line] = detail.lines
    assert line.product.discount_percentage == Decimal("33")
    assert line.product.final_price == Decimal("6.69")
    assert (line.line_total, detail.total, detail.item_count) == (Decimal("20.07"), Decimal("20.07"), 3)


def test_cart_detail_of_a_new_user_is_an_empty_cart():
    detail = cart_detail(user=UserFactory())

    assert (detail.lines, detail.total, detail.item_count, detail.currency) == ([], Decimal("0.00"), 0, "USD")


def test_cart_detail_runs_the_same_queries_for_one_or_twenty_lines(django_assert_num_queries):
    small, large = CartFactory(), CartFactory()
    CartItemFactory(cart=small)
    CartItemFactory.create_batch(20, cart=large)

    with django_assert_num_queries(3):
        cart_detail(user=small.user)
    with django_assert_num_queries(3):
        cart_detail(user=large.user)


def test_order_list_for_a_customer_holds_only_their_orders_newest_first():
    customer = UserFactory()
    first, second = OrderFactory(user=customer), OrderFactory(user=customer)
    OrderFactory()

    assert list(order_list_for(viewer=customer)) == [second, first]


def test_order_list_for_staff_holds_every_order():
    OrderFactory.create_batch(3)

    assert order_list_for(viewer=StaffFactory()).count() == 3


def test_order_get_for_hides_another_customers_order():
    order = OrderFactory()

    with pytest.raises(Http404):
        order_get_for(viewer=UserFactory(), order_id=order.pk)
    assert order_get_for(viewer=order.user, order_id=order.pk) == order
    assert order_get_for(viewer=StaffFactory(), order_id=order.pk) == order
