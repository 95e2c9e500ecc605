"""An id in a path that no database row could have is a JSON 404, never a 500."""

import pytest

from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

# More digits than int() converts; one more than a BIGINT holds; Unicode digits.
IDS = ["9" * 5000, "9" * 20, "²", "١٢"]
PATHS = [
    "products/{id}",
    "products/{id}/reviews",
    "offers/{id}",
    "categories/{id}",
    "reviews/{id}",
    "orders/{id}",
    "orders/{id}/payments",
    "orders/user/{id}",
    "cart/items/{id}",
    "payments/{id}",
    "auth/users/{id}",
    "blogs/{id}",
]


@pytest.mark.parametrize("bad_id", IDS, ids=["5000 digits", "20 digits", "superscript", "arabic-indic"])
@pytest.mark.parametrize("path", PATHS)
def test_an_impossible_id_is_a_json_404(staff_client, path, bad_id):
    staff_client.raise_request_exception = False

    response = staff_client.get("/api/" + path.format(id=bad_id))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_largest_id_still_routes(staff_client):
    order = OrderFactory()

    assert staff_client.get(f"/api/orders/{order.pk}").status_code == 200
    assert staff_client.get(f"/api/orders/{2**63 - 1}").status_code == 404
