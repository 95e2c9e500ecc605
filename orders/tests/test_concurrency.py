"""Real buyers racing on MariaDB/MySQL: real threads, real connections, real row locks.

SQLite serialises writers on one database lock, so it cannot show a lost update or a
deadlock; these tests run only against MySQL/MariaDB.
"""

from collections import Counter

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from catalog.errors import OutOfStock, StockChanged
from catalog.services.stock import variant_stock_adjust
from catalog.services.variants import variant_create
from catalog.tests.factories import ProductFactory
from conftest import SHIPPING, client_for
from orders.models import Cart, Order, OrderItem
from shop.tests.races import race

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_order_cap(throttle_rates):
    # A few accounts race many orders here; the per-user order cap has its own tests (shop/tests).
    throttle_rates(orders="100000/min")


def _order_job(client, lines):
    def job():
        response = client.post(
            "/api/orders", {"items": [{"product_id": pk, "quantity": qty} for pk, qty in lines]}, format="json"
        )
        return response.status_code, response.json()

    return job


def test_forty_buyers_for_ten_units_sell_exactly_ten():
    product = ProductFactory(quantity=10)
    clients = [client_for(UserFactory()) for _ in range(40)]

    results = race([_order_job(client, [(product.pk, 1)]) for client in clients])

    statuses = Counter(result[0] if isinstance(result, tuple) else repr(result) for result in results)
    assert statuses == {201: 10, 409: 30}
    assert all(body["code"] == "out_of_stock" for status, body in results if status == 409)
    product.refresh_from_db()
    assert product.quantity == 0
    assert Order.objects.count() == 10
    assert sum(OrderItem.objects.values_list("quantity", flat=True)) == 10


def test_orders_naming_products_in_opposite_order_neither_deadlock_nor_oversell():
    first, second, third = (ProductFactory(quantity=15) for _ in range(3))
    forward = [(first.pk, 1), (second.pk, 1), (third.pk, 1)]
    backward = list(reversed(forward))
    clients = [client_for(UserFactory()) for _ in range(2)]

    statuses: Counter = Counter()
    for _ in range(12):
        results = race([_order_job(clients[0], forward), _order_job(clients[1], backward)])
        statuses.update(result[0] if isinstance(result, tuple) else repr(result) for result in results)

    # 24 attempts for 15 sets: a deadlock would surface as a 500 (or an exception here).
    assert statuses == {201: 15, 409: 9}
    for product in (first, second, third):
        product.refresh_from_db()
        assert product.quantity == 0
    assert Order.objects.count() == 15


def test_cancel_and_order_racing_keep_stock_exact():
    product = ProductFactory(quantity=6)
    buyers = [client_for(UserFactory()) for _ in range(6)]
    placed = [_order_job(client, [(product.pk, 1)])() for client in buyers]
    assert [status for status, _ in placed] == [201] * 6
    newcomers = [client_for(UserFactory()) for _ in range(6)]

    def cancel(client, order_id):
        return lambda: client.patch(f"/api/orders/{order_id}", {"status": "cancelled"}, format="json").status_code

    jobs = [cancel(client, body["order_id"]) for client, (_, body) in zip(buyers, placed, strict=True)]
    jobs += [_order_job(client, [(product.pk, 1)]) for client in newcomers]
    results = race(jobs)

    assert results[:6] == [200] * 6
    new_orders = sum(1 for status, _ in results[6:] if status == 201)
    product.refresh_from_db()
    assert product.quantity == 6 - new_orders
    assert Order.objects.exclude(status="cancelled").count() == new_orders


def test_first_cart_requests_racing_create_one_cart():
    user = UserFactory()
    clients = [client_for(user) for _ in range(8)]

    results = race([lambda client=client: client.get("/api/cart").json()["id"] for client in clients])

    assert len(set(results)) == 1, results
    assert Cart.objects.filter(user=user).count() == 1


def test_double_clicked_checkout_places_one_order():
    user = UserFactory()
    product = ProductFactory(quantity=5)
    client = client_for(user)
    client.post("/api/cart/items", {"product_id": product.pk, "quantity": 2}, format="json")

    def checkout():
        response = client_for(user).post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")
        return response.status_code, response.json().get("code")

    results = race([checkout, checkout, checkout])

    assert sorted(results, key=str) == sorted([(201, None), (400, "cart_empty"), (400, "cart_empty")], key=str)
    product.refresh_from_db()
    assert product.quantity == 3
    assert Order.objects.count() == 1


# --- per variant ------------------------------------------------------------------------


def _sized_product(*sizes_stock: tuple[str, int]):
    """A product whose default variant is replaced by one variant per (size, units), through the service."""
    product = ProductFactory(quantity=0)
    variants = [variant_create(product=product, data={"size": size, "quantity": units}) for size, units in sizes_stock]
    return product, variants


def _variant_order_job(client, lines):
    def job():
        items = [{"variant_id": pk, "quantity": qty} for pk, qty in lines]
        response = client.post("/api/orders", {"items": items}, format="json")
        return response.status_code, response.json()

    return job


def test_thirty_buyers_for_ten_units_of_one_variant_sell_exactly_ten_and_leave_its_sibling_alone():
    product, (medium, large) = _sized_product(("M", 10), ("L", 7))
    clients = [client_for(UserFactory()) for _ in range(30)]

    results = race([_variant_order_job(client, [(medium.pk, 1)]) for client in clients])

    statuses = Counter(result[0] if isinstance(result, tuple) else repr(result) for result in results)
    assert statuses == {201: 10, 409: 20}
    assert all(body["code"] == "out_of_stock" for status, body in results if status == 409)
    medium.refresh_from_db()
    large.refresh_from_db()
    product.refresh_from_db()
    assert (medium.quantity, large.quantity, product.quantity) == (0, 7, 7)
    assert Order.objects.count() == 10
    assert sum(OrderItem.objects.filter(variant=medium).values_list("quantity", flat=True)) == 10


def test_baskets_holding_two_variants_in_opposite_order_neither_deadlock_nor_oversell():
    product, (small, large) = _sized_product(("S", 15), ("L", 15))
    forward = [(small.pk, 1), (large.pk, 1)]
    backward = list(reversed(forward))
    clients = [client_for(UserFactory()) for _ in range(4)]

    statuses: Counter = Counter()
    for _ in range(6):
        jobs = [_variant_order_job(client, forward if n % 2 else backward) for n, client in enumerate(clients)]
        statuses.update(result[0] if isinstance(result, tuple) else repr(result) for result in race(jobs))

    # 24 attempts for 15 pairs: a deadlock would surface as a 500 (or an exception here).
    assert statuses == {201: 15, 409: 9}
    for variant in (small, large):
        variant.refresh_from_db()
        assert variant.quantity == 0
    product.refresh_from_db()
    assert product.quantity == 0


def test_staff_counts_and_removals_racing_buyers_keep_variant_and_product_stock_consistent():
    product, (medium, _large) = _sized_product(("M", 20), ("L", 5))
    buyers = [client_for(UserFactory()) for _ in range(10)]

    def removal():
        try:
            variant_stock_adjust(variant_id=medium.pk, delta=-1, reason="broken")
            return "removed"
        except OutOfStock:
            return "short"

    def stale_count():
        try:
            variant_stock_adjust(variant_id=medium.pk, quantity=50, expected_quantity=20, reason="count")
            return "counted"
        except StockChanged:
            return "stale"

    results = race([_variant_order_job(client, [(medium.pk, 1)]) for client in buyers] + [removal] * 10 + [stale_count])

    sold = sum(1 for result in results[:10] if result[0] == 201)
    removed = results[10:20].count("removed")
    medium.refresh_from_db()
    product.refresh_from_db()
    if results[20] == "counted":
        # The count ran first, on the untouched 20: everything after it moved from 50.
        assert medium.quantity == 50 - sold - removed
    else:
        assert results[20] == "stale"
        assert medium.quantity == 20 - sold - removed
    assert product.quantity == medium.quantity + 5
