"""What both kinds of request do alike through the API, checked for each kind."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from catalog.tests.factories import ProductFactory
from orders.inquiries.tests.factories import (
    ProductRequestFactory,
    ProductRequestNoteFactory,
    QuoteRequestFactory,
    QuoteRequestItemFactory,
    QuoteRequestNoteFactory,
    product_request_data,
    quote_body,
)
from shop.throttles import PublicRequestThrottle

pytestmark = pytest.mark.django_db


def _post_quote(client):
    return client.post("/api/quote-requests", quote_body(ProductFactory()), format="json")


def _post_product(client):
    return client.post("/api/product-requests", {"data": json.dumps(product_request_data())}, format="multipart")


def _seed_quotes():
    # Six, each with two items and a note.
    for _ in range(6):
        quote_request = QuoteRequestFactory()
        QuoteRequestItemFactory.create_batch(2, quote_request=quote_request)
        QuoteRequestNoteFactory(quote_request=quote_request)


def _seed_products():
    # Six, each with two notes.
    for product_request in ProductRequestFactory.create_batch(6):
        ProductRequestNoteFactory.create_batch(2, product_request=product_request)


@dataclass(frozen=True)
class Kind:
    name: str
    factory: type
    submit: Callable
    # A status the other kind has and this one does not.
    foreign_status: str
    seed_list: Callable
    # user, count, page, then one query per prefetched relation
    list_queries: int

    @property
    def url(self) -> str:
        return f"/api/{self.name}-requests"

    @property
    def model(self) -> type:
        return self.factory._meta.model


QUOTE = Kind("quote", QuoteRequestFactory, _post_quote, "answered", _seed_quotes, 5)
PRODUCT = Kind("product", ProductRequestFactory, _post_product, "quoted", _seed_products, 4)


@pytest.fixture(params=[QUOTE, PRODUCT], ids=lambda kind: kind.name)
def kind(request) -> Kind:
    return request.param


def test_a_submission_is_answered_with_its_id_and_a_thank_you(api_client, kind):
    response = kind.submit(api_client)

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "message": f"Your {kind.name} request has been submitted. We will get back to you shortly.",
    }
    assert kind.model.objects.filter(pk=response.json()["id"]).exists()


def test_submissions_are_throttled(api_client, kind):
    allowed = PublicRequestThrottle().num_requests

    statuses = [kind.submit(api_client).status_code for _ in range(allowed + 1)]

    assert statuses[:allowed] == [201] * allowed
    assert statuses[allowed] == 429
    assert kind.model.objects.count() == allowed


@pytest.mark.parametrize("limit", [5, 100])
def test_the_list_runs_a_fixed_number_of_queries(staff_client, django_assert_num_queries, kind, limit):
    kind.seed_list()

    with django_assert_num_queries(kind.list_queries):
        response = staff_client.get(kind.url, {"limit": limit})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(limit, 6)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("get", "/{id}", None),
        ("patch", "/{id}/status", {"status": "closed"}),
        ("post", "/{id}/notes", {"content": "hello"}),
    ],
)
def test_staff_routes_refuse_anonymous_with_401_and_customers_with_403(
    api_client, customer_client, kind, method, path, body
):
    inquiry = kind.factory()
    url = kind.url + path.format(id=inquiry.pk)

    anonymous = getattr(api_client, method)(url, body, format="json")
    customer = getattr(customer_client, method)(url, body, format="json")

    assert anonymous.status_code == 401
    assert customer.status_code == 403
    assert customer.json()["code"] == "permission_denied"
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert not inquiry.notes.exists()


def test_a_status_of_the_other_kind_is_a_400(staff_client, kind):
    inquiry = kind.factory()

    response = staff_client.patch(f"{kind.url}/{inquiry.pk}/status", {"status": kind.foreign_status}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "status"
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("get", "", None), ("patch", "/status", {"status": "closed"}), ("post", "/notes", {"content": "x"})],
)
def test_an_unknown_request_is_a_404(staff_client, kind, method, path, body):
    response = getattr(staff_client, method)(f"{kind.url}/999999{path}", body, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
