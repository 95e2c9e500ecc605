"""What only MariaDB/MySQL can show: query plans, the FULLTEXT index, concurrent review writers."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.filters import ProductFilter
from catalog.models import Category, Offer, Product, ProductVariant
from catalog.selectors import offer_list_active, product_list, product_recommended, product_search
from catalog.services.reviews import review_create
from catalog.tests.factories import ProductFactory

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB"),
    pytest.mark.django_db(transaction=True),
]


def _plan(queryset) -> list[dict]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def large_catalog():
    """Enough rows, and fresh statistics, for the optimizer to choose as it would in production."""
    categories = Category.objects.bulk_create([Category(name=f"C{i}", slug=f"c-{i}") for i in range(20)])
    products = Product.objects.bulk_create(
        [Product(name=f"Product {i:05d}", slug=f"p-{i}", price=Decimal(i % 997), quantity=i % 40) for i in range(4000)],
        batch_size=1000,
    )
    through = Product.categories.through
    through.objects.bulk_create(
        [through(product_id=product.pk, category_id=categories[i % 20].pk) for i, product in enumerate(products)],
        batch_size=2000,
    )
    now = timezone.now()
    # Offer history piles up: most offers are over, a few run now.
    Offer.objects.bulk_create(
        [
            Offer(
                product=product,
                title="o",
                discount_percentage=Decimal(10),
                start_date=now - timedelta(days=400 - i % 300 if i % 20 else 1),
                end_date=now - timedelta(days=300 - i % 300 if i % 20 else -5),
            )
            for i, product in enumerate(products[::2])
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        for table in ("catalog_product", "catalog_product_categories", "catalog_offer", "catalog_category"):
            cursor.execute(f"ANALYZE TABLE {table}")
            cursor.fetchall()
    return categories


def _full_scans(plan: list[dict]) -> list[str]:
    return [row["table"] for row in plan if row["type"] == "ALL"]


def test_default_product_list_reads_the_name_index(large_catalog):
    plan = _plan(product_list()[:20])

    assert _full_scans(plan) == []
    assert plan[0]["table"] == "catalog_product" and plan[0]["key"] == "product_active_name"


@pytest.mark.parametrize("sort", ["price_asc", "price_desc"])
def test_category_filtered_price_sort_reads_the_link_price_index_in_order(large_catalog, sort):
    params = {"category": large_catalog[3].slug, "min_price": "10", "max_price": "900", "sort": sort}
    products = ProductFilter(params, queryset=product_list()).qs

    plan = _plan(products[:20])

    assert _full_scans(plan) == []
    assert plan[0]["table"] == "catalog_product_categories" and plan[0]["key"] == "product_category_price"
    assert all("filesort" not in (row["Extra"] or "") for row in plan if row["select_type"] != "DEPENDENT SUBQUERY")
    prices = [product.price for product in products[:20]]
    assert prices == sorted(prices, reverse=sort == "price_desc") and len(prices) == 20


def test_option_filters_look_each_product_up_in_the_variant_options_index(large_catalog):
    ProductVariant.objects.bulk_create(
        [
            ProductVariant(product_id=product_id, size=size, color=color, quantity=1)
            for product_id in Product.objects.values_list("pk", flat=True)[::2]
            for size in ("S", "M", "L")
            for color in ("red", "black")
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE TABLE catalog_productvariant")
        cursor.fetchall()
    products = ProductFilter({"color": "red", "size": "M"}, queryset=product_list()).qs

    plan = _plan(products[:20])

    variant_rows = [row for row in plan if row["table"] == "U0" and row["key"] != "offer_product_window"]
    assert _full_scans(plan) == []
    assert "MATERIALIZED" not in {row["select_type"] for row in plan}
    assert len(variant_rows) == 4 and {row["key"] for row in variant_rows} == {"variant_product_options"}


def test_active_offers_list_uses_the_active_now_index(large_catalog):
    plan = _plan(offer_list_active()[:20])

    assert _full_scans(plan) == []
    offer_row = next(row for row in plan if row["table"] == "catalog_offer")
    assert offer_row["key"] == "offer_active_now"


def test_discount_subquery_uses_the_product_offer_index(large_catalog):
    plan = _plan(product_list()[:20])

    subquery = next(row for row in plan if row["select_type"] == "DEPENDENT SUBQUERY")
    assert subquery["key"] == "offer_product_window"


@pytest.mark.parametrize("by_category", [False, True])
def test_recommended_reads_short_index_ranges_only(large_catalog, by_category):
    with CaptureQueriesContext(connection) as queries:
        chosen = product_recommended(category=large_catalog[5] if by_category else None)

    plans = {}
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            columns = [column[0] for column in cursor.description]
            plans[query["sql"]] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    assert len(chosen) == 8
    assert all(_full_scans(plan) == [] for plan in plans.values())
    probes = next(plan for sql, plan in plans.items() if "UNION ALL" in sql)
    probe_key = "catalog_product_categories_category_product" if by_category else "PRIMARY"
    assert len(probes) == 8
    assert all(row["key"] == probe_key and "filesort" not in (row["Extra"] or "") for row in probes)


def test_q_search_uses_the_fulltext_index(large_catalog):
    ProductFactory(name="Velvet armchair")
    products = ProductFilter({"q": "velvet arm"}, queryset=product_list()).qs

    plan = _plan(products[:20])

    assert plan[0]["type"] == "fulltext" and plan[0]["key"] == "product_fulltext"
    assert [product.name for product in products] == ["Velvet armchair"]
    assert "MATCH (" in str(product_search(query="velvet", limit=5).query)


def test_concurrent_reviews_of_one_product_keep_its_rating_exact():
    product = ProductFactory()
    users = UserFactory.create_batch(6)
    barrier = threading.Barrier(len(users))
    errors = []

    def review(user, rating):
        try:
            barrier.wait()
            review_create(user=user, product=product, rating=rating)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=review, args=(user, 1 + index % 5)) for index, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    product.refresh_from_db()
    assert errors == []
    assert product.rating_count == 6
    assert product.rating_average == Decimal("2.67")  # (1+2+3+4+5+1) / 6
