from datetime import date
from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from orders.models import OrderStatus
from orders.reports.statistics import (
    _percentages,
    refund_apportion,
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

    with django_assert_num_queries(2):
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
    with django_assert_num_queries(3):
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

    with django_assert_num_queries(2):
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


@pytest.fixture
def refunded_sales(db):
    """Three products in two categories; two of three paid orders partly or wholly refunded.

    order 1: P1 10.00, P2 10.00, P3 10.00, refunded 1.00 → 0.33, 0.33 and (remainder) 0.34
    order 2: P1 5.00, nothing refunded
    order 3: P2 25.00, P3 15.00, refunded 40.00 → 25.00 and 15.00
    net: P1 9.67 + 5.00 = 14.67, P2 9.67 + 0.00 = 9.67, P3 9.66 + 0.00 = 9.66; all 34.00 = 75.00 - 41.00
    """
    x, y = CategoryFactory(name="Xylophones"), CategoryFactory(name="Yoyos")
    p1 = ProductFactory(name="P1", categories=[x])
    p2 = ProductFactory(name="P2", categories=[x])
    p3 = ProductFactory(name="P3", categories=[y])
    for lines, paid, refunded in (
        ([(p1, "10.00"), (p2, "10.00"), (p3, "10.00")], "30.00", "1.00"),
        ([(p1, "5.00")], "5.00", "0.00"),
        ([(p2, "25.00"), (p3, "15.00")], "40.00", "40.00"),
    ):
        order = OrderFactory(
            status=OrderStatus.PAID, subtotal=D(paid), total=D(paid), amount_paid=D(paid), amount_refunded=D(refunded)
        )
        for product, line_total in lines:
            OrderItemFactory(order=order, product=product, quantity=1, unit_price=D(line_total))
    return {"p1": p1, "p2": p2, "p3": p3, "x": x, "y": y}


def test_product_sales_are_net_of_refunds_apportioned_over_the_order_lines(refunded_sales):
    products = statistics_product_sales()

    # Refunds reorder them: gross P2 35.00, P3 25.00, P1 15.00.
    assert [(p["name"], p["units"], p["revenue"], p["percentage"]) for p in products] == [
        ("P1", 2, D("14.67"), D("43.15")),
        ("P2", 2, D("9.67"), D("28.44")),
        ("P3", 2, D("9.66"), D("28.41")),
    ]
    assert sum(p["revenue"] for p in products) == statistics_profit()["revenue"] == D("34.00")


def test_top_product_sales_rank_by_revenue_net_of_refunds(refunded_sales):
    [top] = statistics_product_sales(limit=1)

    assert (top["name"], top["revenue"], top["percentage"]) == ("P1", D("14.67"), D("43.15"))


def test_category_sales_are_net_of_refunds(refunded_sales):
    categories = statistics_category_sales()

    assert [(c["category"], c["revenue"], c["percentage"]) for c in categories] == [
        ("Xylophones", D("24.34"), D("71.59")),
        ("Yoyos", D("9.66"), D("28.41")),
    ]
    assert [(p["name"], p["revenue"], p["percentage"]) for p in categories[0]["products"]] == [
        ("P1", D("14.67"), D("60.27")),
        ("P2", D("9.67"), D("39.73")),
    ]


@pytest.mark.parametrize(
    ("refunded", "line_totals", "shares"),
    [
        ("1.00", ["10.00", "10.00", "10.00"], ["0.33", "0.33", "0.34"]),
        ("10.00", ["25.00", "15.00"], ["6.25", "3.75"]),
        ("0.05", ["1.00", "1.00"], ["0.03", "0.02"]),
        ("7.00", ["0.00", "0.00"], ["0.00", "7.00"]),
    ],
)
def test_a_refund_is_apportioned_half_up_with_the_remainder_on_the_last_line(refunded, line_totals, shares):
    assert refund_apportion(D(refunded), [D(total) for total in line_totals]) == [D(share) for share in shares]
