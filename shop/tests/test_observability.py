"""Error tracking (sentry-sdk against a local fake Sentry) and the Prometheus metrics at /metrics."""

import gzip
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from accounts.tests.factories import StaffFactory
from catalog.tests.factories import ProductFactory
from orders.tests.test_api_orders import SHIPPING
from shop.tests.test_deploy import production_env

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLW9mLXRlc3Q"


@pytest.fixture
def fake_sentry():
    """A Sentry ingestion endpoint on localhost that keeps every envelope it is sent."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append(body.decode())
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/1", received
    server.shutdown()
    server.server_close()


# A request that fails inside the app (its database cannot be opened) with a token in the query
# and in the refresh cookie, then a flush so the event leaves before the process ends.
_FAILING_REQUEST = f"""
import django
django.setup()
import sentry_sdk
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
client = Client(raise_request_exception=False)
client.cookies["refresh_token"] = "{JWT}"
response = client.get("/api/products?access_token={JWT}&page=2")
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""


def test_a_server_error_reaches_sentry_without_tokens_or_personal_data(fake_sentry, tmp_path):
    dsn, received = fake_sentry
    env = production_env(
        SENTRY_DSN=dsn,
        DJANGO_SETTINGS_MODULE="shop.settings",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path}/missing-folder/db.sqlite3",
    )

    result = subprocess.run(
        [sys.executable, "-c", _FAILING_REQUEST], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["500"]
    events = [envelope for envelope in received if '"type":"event"' in envelope.replace(" ", "")]
    # The exception, and the error line the app logs about the request.
    assert events, received
    event = "\n".join(events)
    assert "OperationalError" in event
    assert "/api/products" in event
    assert JWT not in event and "c2lnbmF0dXJl" not in event
    assert "access_token=%5Bredacted%5D" in event or "access_token=[redacted]" in event
    assert "refresh_token" not in event


def test_sentry_stays_off_without_a_dsn():
    import sentry_sdk

    assert sentry_sdk.get_client().is_active() is False


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = "scrape-me-0123456789"
    return settings.METRICS_TOKEN


def scrape(client: Client, **headers) -> tuple[int, str]:
    response = client.get("/metrics", headers=headers)
    return response.status_code, response.content.decode()


def sample(text: str, name: str, **labels) -> float:
    """The value of the sample `name` with exactly `labels` in a scrape, 0 when absent."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


@pytest.mark.django_db
def test_metrics_refuse_anonymous_callers_customers_and_wrong_tokens(metrics_token, customer):
    signed_in_customer = Client()
    signed_in_customer.force_login(customer)

    for status, body in (
        scrape(Client()),
        scrape(Client(), Authorization="Bearer wrong-token"),
        scrape(Client(), Authorization=f"Basic {metrics_token}"),
        scrape(signed_in_customer),
    ):
        assert status == 401
        assert "django_http" not in body


@pytest.mark.django_db
def test_metrics_token_unset_lets_no_bearer_in(settings):
    settings.METRICS_TOKEN = ""

    assert scrape(Client(), Authorization="Bearer ")[0] == 401


@pytest.mark.django_db
def test_metrics_expose_the_request_latency_histogram_by_route_name(metrics_token, api_client):
    before = scrape(Client(), Authorization=f"Bearer {metrics_token}")[1]
    api_client.get("/api/products")

    status, after = scrape(Client(), Authorization=f"Bearer {metrics_token}")

    assert status == 200
    name = "django_http_requests_latency_seconds_by_view_method"
    assert f"# TYPE {name} histogram" in after
    labels = {"method": "GET", "view": "product-list"}
    assert sample(after, f"{name}_count", **labels) == sample(before, f"{name}_count", **labels) + 1
    assert sample(after, f"{name}_bucket", le="+Inf", **labels) >= 1
    statuses = "django_http_responses_total_by_status_view_method_total"
    assert sample(after, statuses, method="GET", status="200", view="product-list") >= 1


@pytest.mark.django_db
def test_a_staff_session_may_read_the_metrics(metrics_token):
    client = Client()
    client.force_login(StaffFactory())

    status, body = scrape(client)

    assert status == 200
    assert "shop_stock_conflicts_total" in body


@pytest.mark.django_db
def test_stock_conflicts_and_throttled_requests_are_counted(metrics_token, customer_client, throttle_rates):
    throttle_rates(orders="1/min")
    product = ProductFactory(quantity=1)
    before = scrape(Client(), Authorization=f"Bearer {metrics_token}")[1]
    order = {"items": [{"product_id": product.pk, "quantity": 2}], "shipping": SHIPPING}

    short = customer_client.post("/api/orders", order, format="json")
    throttled = customer_client.post("/api/orders", order, format="json")

    assert (short.status_code, short.json()["code"]) == (409, "out_of_stock")
    assert throttled.status_code == 429
    after = scrape(Client(), Authorization=f"Bearer {metrics_token}")[1]
    assert sample(after, "shop_stock_conflicts_total") == sample(before, "shop_stock_conflicts_total") + 1
    route = {"route": "order-list"}
    assert sample(after, "shop_throttled_requests_total", **route) == (
        sample(before, "shop_throttled_requests_total", **route) + 1
    )
