import hashlib
import hmac
import io
import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.errors import OutOfStock
from catalog.services.product_import import product_import
from catalog.tests.factories import ProductFactory
from orders.models import OrderStatus
from orders.services.lines import OrderLine
from orders.services.orders import order_place, order_status_change
from shop.webhooks.delivery import retry_delay_seconds, webhook_deliveries_send_due
from shop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from shop.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(webhook_receiver):
    return WebhookEndpointFactory(url=webhook_receiver.url)


@pytest.fixture
def product():
    return ProductFactory(price=Decimal("12.50"), quantity=10)


def _place(customer, product, quantity=2):
    return order_place(user=customer, lines=[OrderLine(product.pk, quantity)])


def _signature_valid(secret: str, header: str, body: bytes) -> bool:
    # What a receiver does, written out here rather than calling our signing code.
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_order_placed_is_delivered_signed_to_the_receiver(customer, product, endpoint, webhook_receiver):
    order = _place(customer, product)

    sent = webhook_deliveries_send_due()

    assert sent == 1
    [request] = webhook_receiver.requests
    body = request.json
    event = WebhookEvent.objects.get(type="order.created")
    assert body["id"] == str(event.id)
    assert body["type"] == "order.created"
    assert body["data"]["id"] == order.pk
    assert body["data"]["total"] == "25.00"
    assert body["data"]["items"][0]["quantity"] == 2
    assert set(body) == {"id", "type", "created_at", "data"}
    assert request.path == "/hooks/shop"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Shop-Event"] == "order.created"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["X-Shop-Delivery"] == str(delivery.pk)
    assert _signature_valid(endpoint.secret, request.headers["X-Shop-Signature"], request.body)
    assert not _signature_valid("whsec_another", request.headers["X-Shop-Signature"], request.body)
    assert (delivery.status, delivery.attempt, delivery.status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert delivery.next_retry_at is None


def test_readme_verification_example_accepts_a_delivery_and_refuses_a_forgery(
    settings, customer, product, endpoint, webhook_receiver
):
    readme = (settings.BASE_DIR / "README.md").read_text()
    example = readme.split("### Verifying a delivery", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(example, namespace)
    verify = namespace["shop_signature_valid"]
    _place(customer, product)
    webhook_deliveries_send_due()
    request = webhook_receiver.requests[0]
    header = request.headers["X-Shop-Signature"]

    assert verify(endpoint.secret, header, request.body)
    assert not verify(endpoint.secret, header, request.body.replace(b"order.created", b"order.paid"))
    assert not verify("whsec_wrong", header, request.body)
    assert len(example.strip().splitlines()) <= 11


def test_signature_timestamp_is_now(customer, product, endpoint, webhook_receiver):
    _place(customer, product)
    webhook_deliveries_send_due()

    header = webhook_receiver.requests[0].headers["X-Shop-Signature"]
    timestamp = int(dict(item.split("=", 1) for item in header.split(","))["t"])
    assert abs(timestamp - timezone.now().timestamp()) < 60


def test_status_changes_send_status_changed_and_paid(customer, product, staff, endpoint, webhook_receiver):
    order = _place(customer, product)
    order_status_change(order=order, status=OrderStatus.PAID, actor=staff)

    webhook_deliveries_send_due()

    assert [request.headers["X-Shop-Event"] for request in webhook_receiver.requests] == [
        "order.created",
        "order.status_changed",
        "order.paid",
    ]
    changed = webhook_receiver.requests[1].json["data"]
    assert (changed["status"], changed["previous_status"]) == ("paid", "pending")


def test_endpoint_gets_only_the_event_types_it_takes(customer, product, webhook_receiver):
    WebhookEndpointFactory(url=webhook_receiver.url, events=["product.created"])

    _place(customer, product)
    webhook_deliveries_send_due()

    assert webhook_receiver.requests == []
    assert WebhookEvent.objects.filter(type="order.created").exists()


def test_inactive_endpoint_gets_nothing(customer, product, webhook_receiver):
    WebhookEndpointFactory(url=webhook_receiver.url, is_active=False)

    _place(customer, product)
    webhook_deliveries_send_due()

    assert webhook_receiver.requests == []


def test_a_change_rolled_back_sends_nothing(customer, product, endpoint, webhook_receiver):
    with pytest.raises(RuntimeError), transaction.atomic():
        _place(customer, product)
        raise RuntimeError("the caller's later step failed")

    assert webhook_deliveries_send_due() == 0
    assert webhook_receiver.requests == []
    assert not WebhookEvent.objects.exists()


def test_a_refused_order_sends_nothing(customer, product, endpoint, webhook_receiver):
    with pytest.raises(OutOfStock):
        _place(customer, product, quantity=11)

    assert webhook_deliveries_send_due() == 0
    assert webhook_receiver.requests == []


def test_receiver_answering_500_is_retried_and_succeeds_later(customer, product, endpoint, webhook_receiver):
    webhook_receiver.answer(500)
    _place(customer, product)

    webhook_deliveries_send_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt, delivery.status_code) == (DeliveryStatus.PENDING, 1, 500)
    assert delivery.error == "HTTP 500"
    assert delivery.next_retry_at is not None

    webhook_deliveries_send_due()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt, delivery.status_code, delivery.error) == (
        DeliveryStatus.SUCCEEDED,
        2,
        200,
        "",
    )
    first, second = webhook_receiver.requests
    assert first.json["id"] == second.json["id"]
    assert first.headers["X-Shop-Delivery"] == second.headers["X-Shop-Delivery"]


def test_retry_waits_for_the_back_off(settings, customer, product, endpoint, webhook_receiver):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    webhook_receiver.answer(500)
    _place(customer, product)

    before = timezone.now()
    webhook_deliveries_send_due()
    webhook_deliveries_send_due()

    assert len(webhook_receiver.requests) == 1
    wait = WebhookDelivery.objects.get().next_retry_at - before
    assert timedelta(seconds=30) <= wait <= timedelta(seconds=61)


def test_back_off_doubles_with_jitter_over_several_hours(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    waits = [retry_delay_seconds(attempt=attempt) for attempt in range(1, settings.WEBHOOK_MAX_ATTEMPTS)]

    assert settings.WEBHOOK_MAX_ATTEMPTS >= 8
    for attempt, wait in enumerate(waits, start=1):
        assert 30 * 2 ** (attempt - 1) <= wait <= 60 * 2 ** (attempt - 1)
    assert sum(waits) >= 4 * 3600
    assert len({retry_delay_seconds(attempt=5) for _ in range(5)}) > 1


def test_delivery_fails_for_good_after_the_last_attempt(settings, customer, product, endpoint, webhook_receiver):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    webhook_receiver.answer(500, 502, 503, 200)
    _place(customer, product)

    for _ in range(4):
        webhook_deliveries_send_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt, delivery.status_code) == (DeliveryStatus.FAILED, 3, 503)
    assert delivery.next_retry_at is None
    assert len(webhook_receiver.requests) == 3


def test_timeout_is_a_failure_retried(settings, customer, product, endpoint, webhook_receiver):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    webhook_receiver.delay = 1
    _place(customer, product)

    webhook_deliveries_send_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code) == (DeliveryStatus.PENDING, None)
    assert "timed out" in delivery.error.lower()


def test_redirect_is_not_followed(customer, product, endpoint, webhook_receiver):
    webhook_receiver.answer(302)
    webhook_receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    _place(customer, product)

    webhook_deliveries_send_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code) == (DeliveryStatus.PENDING, 302)
    assert "redirects are not followed" in delivery.error
    assert len(webhook_receiver.requests) == 1


def test_redirect_to_another_local_server_reaches_nothing(customer, product, endpoint, webhook_receiver):
    from shop.webhooks.tests.conftest import WebhookReceiver

    target = WebhookReceiver()
    target.start()
    try:
        webhook_receiver.answer(307)
        webhook_receiver.redirect_to = target.url
        _place(customer, product)

        webhook_deliveries_send_due()
    finally:
        target.stop()

    assert target.requests == []
    assert WebhookDelivery.objects.get().status_code == 307


def test_address_is_checked_again_at_delivery_time(settings, customer, product, endpoint, webhook_receiver):
    _place(customer, product)
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    webhook_deliveries_send_due()

    assert webhook_receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code) == (DeliveryStatus.PENDING, None)
    assert "127.0.0.1" in delivery.error


def test_delivery_in_flight_is_not_sent_again_and_a_dead_workers_claim_lapses(
    customer, product, endpoint, webhook_receiver
):
    _place(customer, product)
    # What a worker killed during its POST leaves: the attempt counted, the claim still running.
    WebhookDelivery.objects.update(attempt=1, next_retry_at=timezone.now() + timedelta(seconds=30))

    assert webhook_deliveries_send_due() == 0
    assert webhook_receiver.requests == []

    WebhookDelivery.objects.update(next_retry_at=timezone.now() - timedelta(seconds=1))
    assert webhook_deliveries_send_due() == 1

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt) == (DeliveryStatus.SUCCEEDED, 2)
    assert len(webhook_receiver.requests) == 1


def test_endpoint_failing_for_a_day_is_deactivated_and_logged(customer, product, webhook_receiver, caplog):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url, failing_since=timezone.now() - timedelta(hours=25))
    webhook_receiver.answer(500)
    _place(customer, product)

    with caplog.at_level(logging.ERROR, logger="shop.webhooks.delivery"):
        webhook_deliveries_send_due()

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.deactivated_at is not None
    assert f"Webhook endpoint {endpoint.pk} deactivated" in caplog.text
    assert webhook_deliveries_send_due() == 0


def test_endpoint_failing_for_less_than_a_day_stays_active(customer, product, webhook_receiver):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url, failing_since=timezone.now() - timedelta(hours=23))
    webhook_receiver.answer(500)
    _place(customer, product)

    webhook_deliveries_send_due()

    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_first_failure_starts_the_clock_and_a_success_stops_it(customer, product, endpoint, webhook_receiver):
    webhook_receiver.answer(500)
    _place(customer, product)

    webhook_deliveries_send_due()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None

    webhook_deliveries_send_due()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_unreachable_receiver_is_a_failure_retried(settings, customer, product, webhook_receiver):
    settings.WEBHOOKS_ALLOW_HTTP = True
    WebhookEndpointFactory(url="http://127.0.0.1:9/nothing-listens")
    _place(customer, product)

    webhook_deliveries_send_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code) == (DeliveryStatus.PENDING, None)
    assert "Connection" in delivery.error or "refused" in delivery.error


def test_commit_queues_the_first_attempt(
    customer, product, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _place(customer, product)

    assert [request.headers["X-Shop-Event"] for request in webhook_receiver.requests] == ["order.created"]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_a_large_batch_is_drained_by_one_task(webhook_receiver, django_capture_on_commit_callbacks):
    WebhookEndpointFactory(url=webhook_receiver.url, events=["product.created"])
    rows = "".join(f"Lamp {number},LAMP-{number},9.00,1\n" for number in range(25))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product_import(file=io.BytesIO(f"name,sku,price,quantity\n{rows}".encode()), filename="lamps.csv")

    # One delivery task; the import's other callback moves the catalog cache on (catalog/cache.py).
    assert len([callback for callback in callbacks if callback.__module__ != "catalog.cache"]) == 1
    assert len(webhook_receiver.requests) == 25
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}
