import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.errors import OutOfStock
from catalog.services.stock import stock_move, stock_release, stock_reserve
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_reserve_takes_units_out_of_stock():
    product = ProductFactory(quantity=5)

    stock_reserve(lines={product.pk: 3})

    product.refresh_from_db()
    assert product.quantity == 2


def test_reserve_can_take_the_last_unit():
    product = ProductFactory(quantity=1)

    stock_reserve(lines={product.pk: 1})

    product.refresh_from_db()
    assert product.quantity == 0


def test_reserve_more_than_stock_raises_out_of_stock_naming_the_product():
    product = ProductFactory(name="Linen shirt", quantity=2)

    with pytest.raises(OutOfStock) as raised:
        stock_reserve(lines={product.pk: 3})

    assert "Linen shirt" in raised.value.message
    assert raised.value.field == "items"
    assert raised.value.extra == {"product_id": product.pk, "available": 2}
    product.refresh_from_db()
    assert product.quantity == 2


def test_reserve_is_all_or_nothing_across_products():
    plenty, short = ProductFactory(quantity=10), ProductFactory(quantity=1)

    with pytest.raises(OutOfStock):
        stock_reserve(lines={plenty.pk: 4, short.pk: 2})

    plenty.refresh_from_db()
    short.refresh_from_db()
    assert (plenty.quantity, short.quantity) == (10, 1)


def test_reserve_of_a_deleted_product_raises_out_of_stock():
    with pytest.raises(OutOfStock, match="no longer exists"):
        stock_reserve(lines={987654: 1})


def test_release_adds_units_back():
    product = ProductFactory(quantity=0)

    stock_release(lines={product.pk: 4})

    product.refresh_from_db()
    assert product.quantity == 4


def test_move_nets_release_and_reserve_per_product():
    kept, dropped, added = ProductFactory(quantity=1), ProductFactory(quantity=0), ProductFactory(quantity=5)

    # 3 of `kept` were reserved, 4 are wanted now: only 1 more unit is needed.
    stock_move(release={kept.pk: 3, dropped.pk: 2}, reserve={kept.pk: 4, added.pk: 5})

    for product in (kept, dropped, added):
        product.refresh_from_db()
    assert (kept.quantity, dropped.quantity, added.quantity) == (0, 2, 0)


def test_move_touches_products_in_id_order_whatever_the_input_order():
    first, second, third = ProductFactory(quantity=9), ProductFactory(quantity=9), ProductFactory(quantity=9)

    with CaptureQueriesContext(connection) as queries:
        stock_reserve(lines={third.pk: 1, first.pk: 1, second.pk: 1})

    updated_ids = [
        int(re.search(r"id[\"`]? = (\d+)", query["sql"]).group(1))
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE")
    ]
    assert updated_ids == [first.pk, second.pk, third.pk]


def test_move_is_a_single_conditional_update_per_product():
    product = ProductFactory(quantity=9)

    with CaptureQueriesContext(connection) as queries:
        stock_reserve(lines={product.pk: 2})

    sql = [query["sql"] for query in queries.captured_queries if "catalog_product" in query["sql"]]
    assert len(sql) == 1
    assert sql[0].startswith("UPDATE") and '"quantity" >= 2' in sql[0].replace("`", '"')
