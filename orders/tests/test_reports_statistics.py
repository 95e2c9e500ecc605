from datetime import date
from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from orders.models import OrderStatus
from orders.reports.statistics import (
    _percentages,
    statistics_category_sales,
    statistics_product_sales,
    statistics_profit,
    statistics_sales,
)
from orders.tests.factories import OrderFactory, OrderItemFactory

D = Decimal


def test_profit_counts_paid_or_later_orders_net_of_discounts(sales, django_assert_num_queries):
    with django_assert_num_queries(2):
        profit = statistics_profit()

    # revenue 40 + 45 + 20 + 30 + 10; cost 2*12 + 30 + 12 + 3*4 + (unknown cost) 0
    assert profit == {
        "revenue": D("145.00"),
        "discounts": D("0.00"),
        "shipping": D("0.00"),
        "tax": D("0.00"),
        "cost": D("78.00"),
        "profit": D("67.00"),
        "orders_count": 3,
        "currency": "USD",
    }


def test_profit_between_two_days_includes_both(sales):
    assert statistics_profit(date_from=date(2026, 1, 10), date_to=date(2026, 1, 10))["revenue"] == D("85.00")
    profit = statistics_profit(date_from=date(2026, 1, 11), date_to=date(2026, 1, 31))
    assert (profit["revenue"], profit["cost"], profit["profit"], profit["orders_count"]) == (
        D("50.00"),
        D("24.00"),
        D("26.00"),
        1,
    )


def test_profit_of_nothing_is_zero(db):
    profit = statistics_profit()

    assert (profit["revenue"], profit["cost"], profit["profit"], profit["orders_count"]) == (0, 0, 0, 0)


def test_product_sales_rank_products_with_revenue_shares(sales, django_assert_num_queries):
    products = sales["products"]

    with django_assert_num_queries(1):
        rows = statistics_product_sales()

    assert rows == [
        {"product_id": products["a"].pk, "name": "Alpha", "units": 3, "revenue": D("60.00"), "percentage": D("41.38")},
        {"product_id": products["b"].pk, "name": "Bravo", "units": 1, "revenue": D("45.00"), "percentage": D("31.03")},
        {
            "product_id": products["c"].pk,
            "name": "Charlie",
            "units": 3,
            "revenue": D("30.00"),
            "percentage": D("20.69"),
        },
        {"product_id": None, "name": "Old lamp", "units": 1, "revenue": D("10.00"), "percentage": D("6.90")},
    ]


def test_product_sales_name_a_renamed_product_once_by_its_current_name(sales):
    alpha = sales["products"]["a"]
    alpha.name = "Alpha II"
    alpha.save()

    rows = statistics_product_sales()

    assert [row["name"] for row in rows if row["product_id"] == alpha.pk] == ["Alpha II"]


def test_product_sales_top_n_keeps_shares_of_the_whole(sales, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = statistics_product_sales(limit=2)

    assert [(row["name"], row["percentage"]) for row in rows] == [("Alpha", D("41.38")), ("Bravo", D("31.03"))]


def test_product_sales_percentages_sum_to_exactly_100_despite_rounding(db):
    for _ in range(3):
        OrderItemFactory(order__status=OrderStatus.PAID, unit_price=D("10.00"), quantity=1)

    shares = [row["percentage"] for row in statistics_product_sales()]

    assert sorted(shares) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(shares) == D("100.00")


@pytest.mark.parametrize(
    "amounts",
    [
        [D("1"), D("1"), D("1")],
        [D("2"), D("1"), D("1"), D("1"), D("1"), D("1"), D("1")],
        [D("0.01"), D("999999.99"), D("3.33"), D("6.67")],
        [D("7")],
    ],
)
def test_percentages_always_sum_to_100(amounts):
    assert sum(_percentages(amounts)) == D("100.00")


def test_percentages_of_no_revenue_are_zero():
    assert _percentages([D("0"), D("0")]) == [D("0.00"), D("0.00")]


def test_category_sales_group_products_under_each_of_their_categories(sales, django_assert_num_queries):
    products, categories = sales["products"], sales["categories"]

    with django_assert_num_queries(1):
        rows = statistics_category_sales()

    assert rows == [
        {
            "category_id": categories["x"].pk,
            "category": "Xylophones",
            "units": 4,
            "revenue": D("105.00"),
            "percentage": D("72.41"),
            "products": [
                {
                    "product_id": products["a"].pk,
                    "name": "Alpha",
                    "units": 3,
                    "revenue": D("60.00"),
                    "percentage": D("57.14"),
                },
                {
                    "product_id": products["b"].pk,
                    "name": "Bravo",
                    "units": 1,
                    "revenue": D("45.00"),
                    "percentage": D("42.86"),
                },
            ],
        },
        {
            "category_id": categories["y"].pk,
            "category": "Yoyos",
            "units": 1,
            "revenue": D("45.00"),
            "percentage": D("31.03"),
            "products": [
                {
                    "product_id": products["b"].pk,
                    "name": "Bravo",
                    "units": 1,
                    "revenue": D("45.00"),
                    "percentage": D("100.00"),
                },
            ],
        },
        {
            "category_id": None,
            "category": "Uncategorised",
            "units": 4,
            "revenue": D("40.00"),
            "percentage": D("27.59"),
            "products": [
                {
                    "product_id": products["c"].pk,
                    "name": "Charlie",
                    "units": 3,
                    "revenue": D("30.00"),
                    "percentage": D("75.00"),
                },
                {"product_id": None, "name": "Old lamp", "units": 1, "revenue": D("10.00"), "percentage": D("25.00")},
            ],
        },
    ]


def test_category_sales_respect_the_date_range(sales):
    rows = statistics_category_sales(date_from=date(2026, 2, 1))

    assert [(row["category"], row["revenue"], row["percentage"]) for row in rows] == [
        ("Uncategorised", D("10.00"), D("100.00"))
    ]


def test_sales_per_month(sales, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = statistics_sales(interval="month")

    assert rows == [
        {"period": date(2026, 1, 1), "orders": 2, "revenue": D("135.00")},
        {"period": date(2026, 2, 1), "orders": 1, "revenue": D("10.00")},
    ]


def test_sales_per_week_start_on_monday_and_fill_empty_weeks(sales):
    rows = statistics_sales(interval="week")

    assert rows == [
        {"period": date(2026, 1, 5), "orders": 1, "revenue": D("85.00")},
        {"period": date(2026, 1, 12), "orders": 0, "revenue": D("0.00")},
        {"period": date(2026, 1, 19), "orders": 1, "revenue": D("50.00")},
        {"period": date(2026, 1, 26), "orders": 0, "revenue": D("0.00")},
        {"period": date(2026, 2, 2), "orders": 1, "revenue": D("10.00")},
    ]


def test_sales_per_day_cover_the_whole_range(sales):
    rows = statistics_sales(interval="day", date_from=date(2026, 1, 9), date_to=date(2026, 1, 11))

    assert rows == [
        {"period": date(2026, 1, 9), "orders": 0, "revenue": D("0.00")},
        {"period": date(2026, 1, 10), "orders": 1, "revenue": D("85.00")},
        {"period": date(2026, 1, 11), "orders": 0, "revenue": D("0.00")},
    ]


def test_sales_with_no_orders_and_no_range_are_empty(db):
    assert statistics_sales(interval="day") == []


def test_sales_count_an_order_once_however_many_lines(db):
    order = OrderFactory(status=OrderStatus.PROCESSING)
    OrderItemFactory.create_batch(3, order=order, product=ProductFactory())

    (row,) = statistics_sales(interval="day")

    assert row["orders"] == 1
    assert row["revenue"] == D("120.00")


def test_category_shares_sum_to_exactly_100_when_no_product_is_in_two_categories(db):
    for _ in range(3):
        product = ProductFactory(categories=[CategoryFactory()])
        OrderItemFactory(order__status=OrderStatus.PAID, product=product, unit_price=D("10.00"), quantity=1)

    shares = [row["percentage"] for row in statistics_category_sales()]

    assert sorted(shares) == [D("33.33"), D("33.33"), D("33.34")]
