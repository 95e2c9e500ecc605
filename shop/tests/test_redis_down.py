"""Redis stops (a redis-server of the test's own): the shop keeps answering, /health says what is wrong."""

import pytest
from django.test import override_settings

from catalog.tests.factories import ProductFactory
from shop.tests.celery_worker import broker_for_this_process

pytestmark = pytest.mark.django_db

SHIPPING = {"full_name": "Ada", "address": "1 Cache Lane", "city": "Lyon", "postal_code": "69001", "country": "FR"}


@pytest.fixture
def redis_cache_and_broker(redis_server):
    """The shop's cache and broker on `redis_server`, as in a deployment with REDIS_URL set."""
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_server.url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    # Not the `settings` fixture: the local cache must be back before the suite's own cache.clear().
    with override_settings(CACHES={"default": cache}), broker_for_this_process(redis_server.url):
        yield redis_server


def test_with_redis_up_the_health_check_reports_cache_and_queue_ok(api_client, redis_cache_and_broker):
    response = api_client.get("/health")

    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "queue": "ok"}


def test_with_redis_stopped_catalog_and_orders_answer_and_health_reports_it(
    api_client, customer_client, redis_cache_and_broker, caplog
):
    product = ProductFactory(quantity=5)
    redis_cache_and_broker.stop()

    catalog = api_client.get("/api/products")
    detail = api_client.get(f"/api/products/{product.pk}")
    placed = customer_client.post(
        "/api/orders",
        {"items": [{"product_id": product.pk, "quantity": 1, "size": "", "color": ""}], "shipping": SHIPPING},
        format="json",
    )
    orders = customer_client.get("/api/orders")
    health = api_client.get("/health")

    assert (catalog.status_code, catalog.json()["count"]) == (200, 1)
    assert detail.status_code == 200
    assert placed.status_code == 201
    assert (orders.status_code, orders.json()["count"]) == (200, 1)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "error", "queue": "error"}
    assert "let a request through: the cache is unreachable" in caplog.text


def test_with_redis_stopped_sign_in_is_refused_in_the_error_shape_not_checked_uncounted(
    api_client, customer, redis_cache_and_broker
):
    redis_cache_and_broker.stop()

    response = api_client.post("/api/auth/login", {"email": customer.email, "password": "anything"}, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "sign_in_unavailable"
