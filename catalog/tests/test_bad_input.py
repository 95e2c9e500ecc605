"""Bad input is answered with a 4xx in the contract's shape, never a 500."""

import pytest

from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


@pytest.fixture
def strict_staff_client(staff_client):
    staff_client.raise_request_exception = False
    ProductFactory()
    OfferFactory()
    return staff_client


@pytest.mark.parametrize(
    "url",
    [
        "/api/products?min_price=abc",
        "/api/products?max_price=1e400",
        "/api/products?min_price=NaN",
        "/api/products?page=0",
        "/api/products?in_stock=maybe",
        "/api/products?category=%E2%9C%93",
        f"/api/products?category={HUGE}",
        "/api/products?q=" + "x" * 3000,
        "/api/products?color=%00",
        f"/api/products/{HUGE}",
        f"/api/products/{HUGE}/reviews",
        f"/api/products/recommended?category={HUGE}",
        f"/api/categories/{HUGE}",
        f"/api/offers/{HUGE}",
    ],
)
def test_bad_queries_are_not_server_errors(strict_staff_client, url):
    response = strict_staff_client.get(url)

    # Unknown booleans are ignored and odd text just matches nothing: 200 is fine, 500 is not.
    assert response.status_code < 500
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "A", "price": "1e400", "quantity": 1},
        {"name": "A", "price": "NaN", "quantity": 1},
        {"name": "A", "price": "1", "quantity": 10**20},
        {"name": "A", "price": "1", "quantity": 1, "category_ids": [int(HUGE)]},
        {"name": "A", "price": "1", "quantity": 1, "colors": "red"},
        {"name": "x" * 300, "price": "1", "quantity": 1},
        {"name": "A", "price": "1", "quantity": 1, "sku": "x" * 100},
        [1, 2],
    ],
)
def test_bad_product_bodies_are_400(strict_staff_client, body):
    response = strict_staff_client.post("/api/products", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_offer_for_an_id_beyond_any_database_is_400(strict_staff_client):
    body = {
        "product_id": int(HUGE),
        "title": "t",
        "discount_percentage": "10",
        "start_date": "2020-01-01T00:00:00Z",
        "end_date": "2030-01-01T00:00:00Z",
    }

    response = strict_staff_client.post("/api/offers", body, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "product_id"


@pytest.mark.parametrize("url", ["/api/products", "/api/products/recommended"])
@pytest.mark.parametrize("category", ["²", "١٢", "1²", "٣", "9" * 5000])
def test_a_category_of_unicode_digits_is_an_unknown_category_not_a_500(api_client, url, category):
    api_client.raise_request_exception = False
    ProductFactory()

    response = api_client.get(url, {"category": category})

    assert response.status_code == 400
    assert response.json() == {"error": f"Unknown category: {category}.", "code": "invalid", "field": "category"}


def test_a_category_id_reads_as_an_id(api_client):
    category = CategoryFactory(slug="chairs")
    ProductFactory(name="Chair", categories=[category])

    response = api_client.get("/api/products", {"category": str(category.pk)})

    assert [product["name"] for product in response.json()["results"]] == ["Chair"]
