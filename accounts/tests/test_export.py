"""GET /api/auth/profile/export: everything the shop holds about the caller, and nothing of anyone else."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Address
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ReviewFactory
from conftest import client_for
from orders.inquiries.tests.factories import ProductRequestFactory, QuoteRequestItemFactory
from orders.tests.factories import OrderFactory, OrderItemFactory
from payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

# Authentication, then addresses, orders, their items, their payments, reviews, quote requests,
# their items and product requests: one query each, however many rows each holds.
EXPORT_QUERIES = 9


def _customer_with_history(*, orders: int = 1, email: str | None = None):
    user = UserFactory(**({"email": email} if email else {}))
    Address.objects.create(user=user, full_name=user.name, address="1 Main St", city="Lyon", country="FR")
    for _ in range(orders):
        order = OrderFactory(user=user)
        OrderItemFactory(order=order)
        PaymentFactory(order=order)
    ReviewFactory(user=user)
    QuoteRequestItemFactory(quote_request__email=user.email)
    ProductRequestFactory(email=user.email)
    return user


def test_export_holds_the_callers_account_orders_payments_reviews_and_requests():
    me = _customer_with_history(orders=2, email="me@example.com")
    someone = _customer_with_history(orders=3, email="someone@example.com")

    response = client_for(me).get("/api/auth/profile/export")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {
        "exported_at",
        "account",
        "addresses",
        "orders",
        "reviews",
        "quote_requests",
        "product_requests",
    }
    assert body["account"]["email"] == "me@example.com"
    assert [address["city"] for address in body["addresses"]] == ["Lyon"]
    assert sorted(order["id"] for order in body["orders"]) == sorted(me.orders.values_list("id", flat=True))
    for order in body["orders"]:
        assert len(order["items"]) == 1
        assert [payment["order_id"] for payment in order["payments"]] == [order["id"]]
    assert [review["id"] for review in body["reviews"]] == list(me.reviews.values_list("id", flat=True))
    assert body["reviews"][0]["product_name"]
    assert [request["email"] for request in body["quote_requests"]] == ["me@example.com"]
    assert len(body["quote_requests"][0]["items"]) == 1
    assert [request["email"] for request in body["product_requests"]] == ["me@example.com"]
    assert "someone@example.com" not in response.content.decode()
    assert not set(someone.orders.values_list("id", flat=True)) & {order["id"] for order in body["orders"]}


def test_a_request_without_reference_url_is_exported_as_its_schema_documents_it():
    me = UserFactory()
    ProductRequestFactory(email=me.email, reference_url="")

    body = client_for(me).get("/api/auth/profile/export").json()

    assert body["product_requests"][0]["reference_url"] == ""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["components"]["schemas"]["ExportProductRequest"]["properties"]["reference_url"]
    assert documented["type"] == "string"
    assert "format" not in documented


def test_export_needs_authentication(api_client):
    assert api_client.get("/api/auth/profile/export").status_code == 401


@pytest.mark.parametrize("orders", [1, 10])
def test_export_runs_a_fixed_number_of_queries(django_assert_num_queries, orders):
    client = client_for(_customer_with_history(orders=orders))

    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get("/api/auth/profile/export")

    assert len(response.json()["orders"]) == orders
