from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from orders import demo as orders_demo
from orders.models import PAID_OR_LATER, Order, OrderStatus
from orders.tests.factories import OrderFactory
from payments import demo
from payments.models import Payment

pytestmark = pytest.mark.django_db


def test_demo_without_orders_records_nothing():
    assert demo.seed() == "no orders to pay yet"
    assert not Payment.objects.exists()


def test_demo_settles_orders_past_pending_and_deposits_on_pending_ones_once():
    shipped = OrderFactory(status=OrderStatus.SHIPPED, total=Decimal("40.00"))
    pending = OrderFactory.create_batch(2, total=Decimal("25.00"))
    cancelled = OrderFactory(status=OrderStatus.CANCELLED)

    first = demo.seed()
    second = demo.seed()

    assert first == "2 payments recorded"
    assert second == "0 payments recorded"
    shipped.refresh_from_db()
    assert shipped.amount_paid == Decimal("40.00")
    assert shipped.status == OrderStatus.SHIPPED
    deposits = Payment.objects.filter(order__in=pending)
    assert [payment.amount for payment in deposits] == [Decimal("12.50")]
    assert deposits.get().order.status == OrderStatus.PENDING
    assert not Payment.objects.filter(order=cancelled).exists()


def test_demo_pays_the_orders_demo_orders_and_keeps_the_books_consistent():
    ProductFactory.create_batch(6, quantity=50)
    orders_demo.seed()

    demo.seed()
    again = demo.seed()

    assert again == "0 payments recorded"
    for order in Order.objects.filter(status__in=PAID_OR_LATER):
        assert order.amount_paid == order.total
        assert sum(p.amount for p in order.payments.all()) == order.total
    assert not Payment.objects.filter(order__status=OrderStatus.CANCELLED).exists()
