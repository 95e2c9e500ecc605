from datetime import UTC, datetime
from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import OrderFactory, OrderItemFactory


def _order(status, created_at, *lines):
    order = OrderFactory(status=status)
    for product, quantity, unit_price, line_total, unit_cost in lines:
        OrderItemFactory(
            order=order,
            product=product,
            product_name=product.name if product else "Old lamp",
            quantity=quantity,
            unit_price=Decimal(unit_price),
            line_total=Decimal(line_total),
            unit_cost=Decimal(unit_cost) if unit_cost else None,
        )
    Order.objects.filter(pk=order.pk).update(created_at=created_at)
    return order


@pytest.fixture
def sales(db):
    """A small shop's sales, with the totals worked out by hand in the tests.

    Counted: o1 paid (10 Jan), o2 delivered (20 Jan), o5 shipped (3 Feb).
    Ignored: o3 pending, o4 cancelled.
    """
    x, y = CategoryFactory(name="Xylophones"), CategoryFactory(name="Yoyos")
    a = ProductFactory(name="Alpha", categories=[x])
    b = ProductFactory(name="Bravo", categories=[x, y])
    c = ProductFactory(name="Charlie")
    at = lambda day, month=1: datetime(2026, month, day, 12, 0, tzinfo=UTC)  # noqa: E731
    orders = {
        "o1": _order(OrderStatus.PAID, at(10), (a, 2, "20.00", "40.00", "12.00"), (b, 1, "50.00", "45.00", "30.00")),
        "o2": _order(
            OrderStatus.DELIVERED, at(20), (a, 1, "20.00", "20.00", "12.00"), (c, 3, "10.00", "30.00", "4.00")
        ),
        "o3": _order(OrderStatus.PENDING, at(15), (a, 5, "20.00", "100.00", "12.00")),
        "o4": _order(OrderStatus.CANCELLED, at(16), (b, 2, "50.00", "100.00", "30.00")),
        "o5": _order(OrderStatus.SHIPPED, at(3, month=2), (None, 1, "10.00", "10.00", None)),
    }
    return {"products": {"a": a, "b": b, "c": c}, "categories": {"x": x, "y": y}, "orders": orders}
