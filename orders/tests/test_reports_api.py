import pytest

URLS = [
    "/api/statistics/profit",
    "/api/statistics/product-sales",
    "/api/statistics/category-sales",
    "/api/statistics/sales",
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", URLS)
def test_statistics_are_for_staff_only(api_client, customer_client, url):
    assert api_client.get(url).status_code == 401
    assert customer_client.get(url).status_code == 403


def test_profit_renders_money_as_strings(sales, staff_client):
    response = staff_client.get("/api/statistics/profit/")

    assert response.status_code == 200
    assert response.json() == {
        "revenue": "145.00",
        "discounts": "0.00",
        "shipping": "0.00",
        "tax": "0.00",
        "cost": "78.00",
        "profit": "67.00",
        "orders_count": 3,
        "currency": "USD",
    }


def test_profit_filters_by_iso_dates(sales, staff_client):
    response = staff_client.get("/api/statistics/profit?from=2026-01-11&to=2026-01-31")

    assert response.json()["revenue"] == "50.00"
    assert response.json()["orders_count"] == 1


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("query", "field"), [("from=yesterday", "from"), ("to=2026-13-01", "to"), ("from=2026-02-01&to=2026-01-01", "to")]
)
def test_bad_dates_answer_400(staff_client, url, query, field):
    response = staff_client.get(f"{url}?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field


def test_product_sales_body(sales, staff_client, django_assert_num_queries):
    # the user, then the statistics
    with django_assert_num_queries(3):
        response = staff_client.get("/api/statistics/product-sales")

    assert response.status_code == 200
    body = response.json()
    assert body[0] == {
        "product_id": sales["products"]["a"].pk,
        "name": "Alpha",
        "units": 3,
        "revenue": "60.00",
        "percentage": "41.38",
    }
    assert [row["percentage"] for row in body] == ["41.38", "31.03", "20.69", "6.90"]


def test_category_sales_body(sales, staff_client, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = staff_client.get("/api/statistics/category-sales?to=2026-01-31")

    assert response.status_code == 200
    first = response.json()[0]
    assert {key: first[key] for key in ("category", "units", "revenue", "percentage")} == {
        "category": "Xylophones",
        "units": 4,
        "revenue": "105.00",
        "percentage": "77.78",
    }
    assert [product["name"] for product in first["products"]] == ["Alpha", "Bravo"]


def test_sales_default_to_days(sales, staff_client):
    response = staff_client.get("/api/statistics/sales?from=2026-01-10&to=2026-01-11")

    assert response.json() == [
        {"period": "2026-01-10", "orders": 1, "revenue": "85.00"},
        {"period": "2026-01-11", "orders": 0, "revenue": "0.00"},
    ]


def test_sales_per_month(sales, staff_client, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = staff_client.get("/api/statistics/sales?interval=month")

    assert response.json() == [
        {"period": "2026-01-01", "orders": 2, "revenue": "135.00"},
        {"period": "2026-02-01", "orders": 1, "revenue": "10.00"},
    ]


def test_unknown_interval_answers_400(staff_client):
    response = staff_client.get("/api/statistics/sales?interval=year")

    assert response.status_code == 400
    assert response.json()["field"] == "interval"


def test_a_range_too_long_for_its_interval_answers_400(staff_client):
    response = staff_client.get("/api/statistics/sales?interval=day&from=2000-01-01&to=2026-01-01")

    assert response.status_code == 400
    assert response.json()["field"] == "from"
    assert staff_client.get("/api/statistics/sales?interval=month&from=2000-01-01&to=2026-01-01").status_code == 200


def test_extreme_dates_do_not_fail(staff_client):
    response = staff_client.get("/api/statistics/profit?from=0001-01-01&to=9999-12-31")

    assert response.status_code == 200


def test_an_open_range_too_long_for_its_interval_answers_400(staff_client):
    response = staff_client.get("/api/statistics/sales?interval=day&from=0001-01-01")

    assert response.status_code == 400
    assert response.json()["field"] == "from"


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_sales_up_to_the_last_representable_day(staff_client, interval):
    response = staff_client.get(f"/api/statistics/sales?interval={interval}&from=9999-12-01&to=9999-12-31")

    assert response.status_code == 200
    assert response.json()[-1]["orders"] == 0
