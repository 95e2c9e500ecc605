"""Time the statistics on a synthetic sales history, inside a transaction that is rolled back.

Nothing is left in the database afterwards, so it can run against any database,
including one with real data (which then counts in the figures too).
"""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Category, Product
from orders.models import Order, OrderItem, OrderStatus
from orders.reports.statistics import (
    statistics_category_sales,
    statistics_product_sales,
    statistics_profit,
    statistics_sales,
)

STATUSES = [*OrderStatus.values, OrderStatus.PAID, OrderStatus.DELIVERED]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark the sales statistics on synthetic orders (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=20_000)
        parser.add_argument("--products", type=int, default=500)
        parser.add_argument("--lines", type=int, default=3, help="lines per order")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, orders, products, lines, repeat, **options):
        try:
            with transaction.atomic():
                self._fill(orders=orders, products=products, lines=lines)
                self._measure(repeat=repeat)
                raise _Rollback
        except _Rollback:
            self.stdout.write("Synthetic data rolled back.")

    def _fill(self, *, orders: int, products: int, lines: int) -> None:
        rng = random.Random(42)  # noqa: S311 - repeatable fake data, not security
        started = time.perf_counter()
        run = timezone.now().strftime("%H%M%S%f")
        categories = Category.objects.bulk_create(
            Category(name=f"Bench {run} {n}", slug=f"bench-{run}-{n}") for n in range(20)
        )
        catalog = Product.objects.bulk_create(
            Product(name=f"Bench {run} {n}", slug=f"bench-{run}-{n}", price=Decimal("20.00"), cost_price=Decimal("12"))
            for n in range(products)
        )
        Product.categories.through.objects.bulk_create(
            Product.categories.through(product_id=product.pk, category_id=rng.choice(categories).pk)
            for product in catalog
        )
        now = timezone.now()
        placed = Order.objects.bulk_create(
            Order(status=rng.choice(STATUSES), total=Decimal("0"), subtotal=Decimal("0")) for _ in range(orders)
        )
        for order in placed:
            order.created_at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        Order.objects.bulk_update(placed, ["created_at"], batch_size=2000)
        items = []
        for order in placed:
            for product in rng.sample(catalog, lines):
                quantity = rng.randint(1, 4)
                items.append(
                    OrderItem(
                        order=order,
                        product=product,
                        product_name=product.name,
                        unit_price=product.price,
                        unit_cost=product.cost_price,
                        quantity=quantity,
                        line_total=product.price * quantity,
                    )
                )
        OrderItem.objects.bulk_create(items, batch_size=5000)
        self.stdout.write(
            f"{orders} orders, {len(items)} lines, {products} products in {time.perf_counter() - started:.1f}s "
            f"({connection.vendor})"
        )

    def _measure(self, *, repeat: int) -> None:
        cases = {
            "profit": lambda: statistics_profit(),
            "product-sales (all)": lambda: statistics_product_sales(),
            "product-sales (top 10)": lambda: statistics_product_sales(limit=10),
            "category-sales": lambda: statistics_category_sales(),
            "sales per day, last 30 days": lambda: statistics_sales(
                interval="day", date_from=timezone.localdate() - timedelta(days=29), date_to=timezone.localdate()
            ),
            "sales per week": lambda: statistics_sales(interval="week"),
            "sales per month": lambda: statistics_sales(interval="month"),
        }
        for name, run in cases.items():
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    run()
                    timings.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{name:<30} median {statistics.median(timings):8.1f} ms  max {max(timings):8.1f} ms  "
                f"{len(queries)} quer{'y' if len(queries) == 1 else 'ies'}"
            )
