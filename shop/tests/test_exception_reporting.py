"""Django's technical error page, as a deployment that left DEBUG on would show it to anyone."""

import sys

import pytest
from django.test import Client
from django.views.debug import ExceptionReporter

REDIS_PASSWORD = "redis-pass-9f3k"
REPLICA_PASSWORD = "replica-pass-7d2m"
CLOUDINARY_SECRET = "cloudinary-secret-5x8q"
BROKER_PASSWORD = "broker-pass-4h6n"
EMAIL_PASSWORD = "mail-pass-2w9z"
SECRETS = (REDIS_PASSWORD, REPLICA_PASSWORD, CLOUDINARY_SECRET, BROKER_PASSWORD, EMAIL_PASSWORD)


@pytest.fixture
def connection_urls(settings):
    settings.DEBUG = True
    settings.REDIS_URL = f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0"
    settings.CACHES = settings.CACHES | {
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    settings.DATABASE_REPLICA_URL = f"mysql://shop:{REPLICA_PASSWORD}@replica.internal:3306/shop"
    settings.CLOUDINARY_URL = f"cloudinary://1234:{CLOUDINARY_SECRET}@demo-cloud"
    settings.CELERY_BROKER_URL = f"amqp://shop:{BROKER_PASSWORD}@broker.internal:5672//"
    settings.EMAIL_URL = f"smtp+tls://shop:{EMAIL_PASSWORD}@mail.internal:587"
    # A token in the query string is a credential too.
    settings.SENTRY_URL = "https://o1.ingest.example/api/1/store/?sentry_key=query-token-8k1p"


def test_debug_page_for_a_suspicious_request_hides_every_connection_url(connection_urls, db):
    # A bad Host header gets Django's full technical page (settings and environment) when DEBUG is on.
    client = Client(raise_request_exception=False)

    response = client.get(
        "/admin/",
        HTTP_HOST="evil.example",
        # Under runserver the process environment is part of request.META.
        REDIS_URL=f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0",
        DATABASE_REPLICA_URL=f"mysql://shop:{REPLICA_PASSWORD}@replica.internal:3306/shop",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "DisallowedHost" in page and "Settings" in page
    for secret in (*SECRETS, "query-token-8k1p"):
        assert secret not in page
    assert "REDIS_URL" in page and "DATABASE_REPLICA_URL" in page and "********************" in page
    # What is not a secret stays readable for the developer.
    assert "/media/" in page


def test_technical_500_page_hides_connection_urls_in_the_stack_and_settings(connection_urls, rf):
    request = rf.get("/api/products")
    replica = f"mysql://shop:{REPLICA_PASSWORD}@replica.internal:3306/shop"  # a local variable of the failing frame
    try:
        raise RuntimeError(f"cannot reach {replica.split('@')[1]}")
    except RuntimeError:
        page = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()

    assert "cannot reach replica.internal:3306/shop" in page
    for secret in SECRETS:
        assert secret not in page
