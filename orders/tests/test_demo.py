import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders import demo
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_every_status_and_keep_stock_consistent():
    products = ProductFactory.create_batch(6, quantity=20, sizes=["M"], colors=["Blue"])

    summary = demo.seed()

    assert "6 orders" in summary
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    held = {
        product.pk: sum(
            item.quantity
            for order in Order.objects.exclude(status=OrderStatus.CANCELLED)
            for item in order.items.filter(product=product)
        )
        for product in products
    }
    for product in Product.objects.all():
        assert product.quantity == 20 - held[product.pk]


def test_demo_twice_adds_nothing():
    ProductFactory.create_batch(6, quantity=20)
    demo.seed()
    counts = (Order.objects.count(), list(Product.objects.values_list("quantity", flat=True)))

    assert demo.seed().startswith("demo orders already there;")
    assert (Order.objects.count(), list(Product.objects.values_list("quantity", flat=True))) == counts


def test_demo_without_products_skips():
    assert "skipped" in demo.seed()
    assert not Order.objects.exists()
