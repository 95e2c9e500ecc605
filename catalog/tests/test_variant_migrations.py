"""The variant migrations on a database filled with the schema before them, forward and back.

Runs on SQLite and on MariaDB (DATABASE_URL=mysql://...): the data migrations batch their
writes, and MariaDB is where a catalog this size would show a slow or oversized statement.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_VARIANTS = [("catalog", "0002_category_image_and_search"), ("orders", "0005_order_timeline")]
PRODUCTS = 3000


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _leaves(executor: MigrationExecutor):
    return executor.loader.graph.leaf_nodes()


def _fill(apps) -> dict:
    """Products, a cart line and order lines as the shop stored them before variants."""
    Product = apps.get_model("catalog", "Product")
    User = apps.get_model("accounts", "User")
    Cart = apps.get_model("orders", "Cart")
    CartItem = apps.get_model("orders", "CartItem")
    Order = apps.get_model("orders", "Order")
    OrderItem = apps.get_model("orders", "OrderItem")
    Product.objects.bulk_create(
        [
            Product(name=f"P{n}", slug=f"p-{n}", sku=f"SKU-{n}" if n % 2 else None, price="9.99", quantity=n % 17)
            for n in range(PRODUCTS)
        ],
        batch_size=500,
    )
    first, second = Product.objects.order_by("pk")[:2]
    user = User.objects.create(email="before-variants@example.com", password="!")
    CartItem.objects.create(cart=Cart.objects.create(user=user), product=first, quantity=2, size="M")
    order = Order.objects.create(user=user, subtotal=Decimal("19.98"), total=Decimal("19.98"))
    for product in (first, second):
        OrderItem.objects.create(
            order=order, product=product, product_name=product.name, unit_price="9.99", quantity=1, line_total="9.99"
        )
    OrderItem.objects.create(order=order, product=None, product_name="Gone", unit_price="1", quantity=1, line_total="1")
    return {"first": first.pk, "second": second.pk}


def test_every_product_gets_its_default_variant_and_every_line_its_variant_and_back():
    executor = _migrate(BEFORE_VARIANTS)
    try:
        ids = _fill(executor.loader.project_state(BEFORE_VARIANTS).apps)

        # when: forward to today's schema
        executor = _migrate(_leaves(executor))

        # then
        from catalog.models import Product, ProductVariant
        from orders.models import CartItem, OrderItem

        assert ProductVariant.objects.count() == PRODUCTS
        assert not ProductVariant.objects.exclude(size="", color="").exists()
        mismatched = [
            (pk, quantity, variant_quantity)
            for pk, quantity, variant_quantity in Product.objects.values_list("pk", "quantity", "variants__quantity")
            if quantity != variant_quantity
        ]
        assert mismatched == []
        default = {v.product_id: v for v in ProductVariant.objects.filter(product_id__in=ids.values())}
        line = CartItem.objects.get()
        assert (line.variant_id, line.size, line.quantity) == (default[ids["first"]].pk, "M", 2)
        lines = {item.product_id: item for item in OrderItem.objects.all()}
        assert lines[ids["first"]].variant_id == default[ids["first"]].pk
        assert (lines[ids["second"]].variant_id, lines[ids["second"]].sku) == (default[ids["second"]].pk, "SKU-1")
        assert lines[None].variant_id is None

        # when: stock moves per variant, then the migrations are undone
        ProductVariant.objects.filter(pk=default[ids["second"]].pk).update(quantity=40)
        executor = _migrate(BEFORE_VARIANTS)

        # then: one counter per product again, holding what the variant held
        Before = executor.loader.project_state(BEFORE_VARIANTS).apps
        stock = dict(Before.get_model("catalog", "Product").objects.values_list("pk", "quantity"))
        assert len(stock) == PRODUCTS
        assert (stock[ids["first"]], stock[ids["second"]]) == (0, 40)
        assert Before.get_model("orders", "OrderItem").objects.count() == 3
    finally:
        _migrate(_leaves(MigrationExecutor(connection)))
