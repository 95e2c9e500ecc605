"""Whatever a client sends, the answer is an error in the contract's shape, never a 500."""

import pytest

from catalog.tests.factories import ProductFactory
from conftest import SHIPPING

pytestmark = pytest.mark.django_db

HUGE = 10**30
LINE = {"product_id": 1, "quantity": 1}


@pytest.fixture(autouse=True)
def _product():
    ProductFactory(pk=1)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "text",
        [],
        {"items": [None]},
        {"items": [1]},
        {"items": [[1]]},
        {"items": {"product_id": 1}},
        {"items": [LINE] * 101},
        {"items": [{"product_id": 1, "quantity": 1.5}]},
        {"items": [{"product_id": HUGE, "quantity": 1}]},
        {"items": [{"product_id": 1, "quantity": HUGE}]},
        {"items": [{**LINE, "size": {"a": 1}}]},
        {"items": [LINE], "shipping": "x"},
        {"items": [LINE], "shipping": {**SHIPPING, "country": 5}},
        {"items": [LINE], "user_id": HUGE},
        {"items": [LINE], "status": 3},
        {"items": [LINE], "status": None},
    ],
)
def test_bad_order_bodies_are_400(customer_client, payload):
    response = customer_client.post("/api/orders", payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "payload",
    [
        {"product_id": HUGE, "quantity": 1},
        {"product_id": 1, "quantity": HUGE},
        {"product_id": 1, "quantity": 1, "color": None},
        {"product_id": None, "quantity": 1},
        [],
    ],
)
def test_bad_cart_bodies_are_400(customer_client, payload):
    response = customer_client.post("/api/cart/items", payload, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize("payload", [{}, {"shipping": []}, {"shipping": {**SHIPPING, "full_name": "x" * 151}}])
def test_bad_checkout_bodies_are_400(customer_client, payload):
    response = customer_client.post("/api/cart/checkout", payload, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", [f"/api/orders/{HUGE}", f"/api/orders/user/{HUGE}", f"/api/cart/items/{HUGE}", "/api/orders?page=99"]
)
def test_huge_ids_and_missing_pages_are_404_or_405(staff_client, method, url):
    # A GET's data would replace the URL's query string.
    body = None if method == "get" else {"items": [LINE], "quantity": 1}
    response = getattr(staff_client, method)(url, body, format="json")

    assert response.status_code in (404, 405)
    assert "error" in response.json()


def test_huge_user_filter_is_400(staff_client):
    response = staff_client.get(f"/api/orders?user={HUGE}")

    assert response.status_code == 400
    assert response.json()["field"] == "user"
