"""HTTP caching of catalog reads: ETag/304, Cache-Control, and a shared cache no write outlives."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from catalog.cache import catalog_changed
from catalog.services.stock import stock_reserve
from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _answers_cleared():
    caches["catalog"].clear()


def _first(client, path="/api/products"):
    return client.get(path).json()["results"][0]


def test_anonymous_repeat_read_is_served_from_the_cache_with_public_headers(
    api_client, django_assert_num_queries, clock
):
    ProductFactory(name="Chair")
    # The next offer boundary and the count (both once per catalog version), the rows, then their
    # categories, images and variants.
    with django_assert_num_queries(4):
        first = api_client.get("/api/products")

    with django_assert_num_queries(0):
        again = api_client.get("/api/products")

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=30"
    assert "Authorization" in again["Vary"]


@pytest.mark.parametrize("path", ["/api/products", "/api/categories", "/api/offers", "/api/products/categories"])
def test_if_none_match_answers_304_while_the_body_is_the_same(api_client, path):
    OfferFactory(product=ProductFactory(categories=[CategoryFactory()]))
    etag = api_client.get(path)["ETag"]

    unchanged = api_client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag


def test_a_price_change_is_visible_on_the_very_next_read_and_the_old_etag_no_longer_matches(api_client, staff_client):
    product = ProductFactory(price=Decimal("20.00"))
    old = api_client.get(f"/api/products/{product.pk}")
    assert api_client.get("/api/products").status_code == 200

    staff_client.patch(f"/api/products/{product.pk}", {"price": "25.00"}, format="json")

    detail = api_client.get(f"/api/products/{product.pk}", HTTP_IF_NONE_MATCH=old["ETag"])
    assert detail.status_code == 200 and detail.json()["price"] == "25.00"
    assert _first(api_client)["price"] == "25.00"


def test_an_offer_starting_and_ending_shows_on_the_very_next_read(api_client, clock):
    product = ProductFactory(price=Decimal("100.00"))
    now = timezone.now()
    OfferFactory(
        product=product,
        discount_percentage=Decimal("20"),
        start_date=now + timedelta(seconds=10),
        end_date=now + timedelta(seconds=20),
    )
    before = api_client.get("/api/products")
    assert before.json()["results"][0]["final_price"] == "100.00"
    # The cached answer and the browser's copy both end when the offer starts.
    assert before["Cache-Control"] == "public, max-age=10"

    clock.shift(timedelta(seconds=10))
    during = api_client.get("/api/products")
    assert during.json()["results"][0]["final_price"] == "80.00"
    assert api_client.get("/api/offers").json()["count"] == 1

    clock.shift(timedelta(seconds=10, microseconds=1))
    assert _first(api_client)["final_price"] == "100.00"
    assert api_client.get("/api/offers").json()["count"] == 0


def test_a_disabled_product_disappears_on_the_very_next_read(api_client, staff_client):
    product = ProductFactory()
    assert api_client.get("/api/products").json()["count"] == 1
    assert api_client.get(f"/api/products/{product.pk}").status_code == 200

    staff_client.patch(f"/api/products/{product.pk}", {"is_disabled": True}, format="json")

    assert api_client.get("/api/products").json()["count"] == 0
    assert api_client.get(f"/api/products/{product.pk}").status_code == 404


def test_stock_sold_out_is_visible_on_the_very_next_read(api_client):
    product = ProductFactory(quantity=2)
    assert _first(api_client)["in_stock"] is True

    # Sold as an order sells it: from the product's (default) variant.
    stock_reserve(lines={product.variants.get().pk: 2})

    sold_out = _first(api_client)
    assert sold_out["in_stock"] is False and sold_out["quantity"] == 0
    assert api_client.get("/api/products?in_stock=true").json()["count"] == 0


def test_a_new_review_moves_the_rating_on_the_very_next_read(api_client, customer_client):
    product = ProductFactory()
    assert _first(api_client)["rating_count"] == 0

    customer_client.post(f"/api/products/{product.pk}/reviews", {"rating": 5, "comment": "Great"}, format="json")

    assert _first(api_client)["rating_count"] == 1


def test_a_write_outside_the_services_is_seen_once_it_says_so(api_client):
    # Bulk writes send no signal: their code calls catalog_changed(), as the importer does.
    product = ProductFactory(price=Decimal("20.00"))
    assert _first(api_client)["price"] == "20.00"

    type(product).objects.filter(pk=product.pk).update(price=Decimal("30.00"))
    catalog_changed()

    assert _first(api_client)["price"] == "30.00"


def test_staff_never_get_the_anonymous_cached_body(api_client, staff_client):
    ProductFactory(cost_price=Decimal("12.00"))
    anonymous = api_client.get("/api/products")
    assert "cost_price" not in anonymous.json()["results"][0]

    staff = staff_client.get("/api/products", HTTP_IF_NONE_MATCH=anonymous["ETag"])

    # The anonymous ETag does not match: the staff body differs (cost price), so it is sent in full.
    assert staff.status_code == 200
    assert staff.json()["results"][0]["cost_price"] == "12.00"
    assert staff["Cache-Control"] == "private, no-cache"
    assert api_client.get("/api/products").json() == anonymous.json()


def test_a_customer_gets_their_own_private_answer_with_an_etag(customer_client, api_client):
    ProductFactory()
    anonymous = api_client.get("/api/products")

    mine = customer_client.get("/api/products")
    again = customer_client.get("/api/products", HTTP_IF_NONE_MATCH=mine["ETag"])

    assert mine["Cache-Control"] == again["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304
    # A customer sees what anyone sees, so the validators agree; nothing else is shared.
    assert mine["ETag"] == anonymous["ETag"]


def test_query_string_is_part_of_the_key(api_client):
    ProductFactory(name="A")
    ProductFactory(name="B")

    assert _first(api_client, "/api/products?sort=name_asc")["name"] == "A"
    assert _first(api_client, "/api/products?sort=name_desc")["name"] == "B"


def test_zero_seconds_turns_the_shared_copy_off(api_client, settings, django_assert_num_queries):
    settings.CATALOG_CACHE_SECONDS = 0
    ProductFactory()
    api_client.get("/api/products")

    # The count is still remembered until the next write: it is exact.
    with django_assert_num_queries(2):
        response = api_client.get("/api/products")
    assert response["Cache-Control"] == "no-cache" and response.has_header("ETag")


def test_recommended_is_not_cached(api_client):
    ProductFactory()

    response = api_client.get("/api/products/recommended")

    assert not response.has_header("ETag")


def test_many_changes_in_one_transaction_move_the_version_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(5):
            catalog_changed()

    assert len(callbacks) == 1


def test_a_savepoint_rolled_back_does_not_take_the_move_on_commit_with_it(
    api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory(price=Decimal("20.00"))
    with django_capture_on_commit_callbacks(execute=True):
        with suppress(RuntimeError), transaction.atomic():
            catalog_changed()
            raise RuntimeError("rolled back")
        catalog_changed()
        # Cached before the commit, as a concurrent read would be.
        assert _first(api_client)["price"] == "20.00"
        type(product).objects.filter(pk=product.pk).update(price=Decimal("30.00"))

    assert _first(api_client)["price"] == "30.00"
