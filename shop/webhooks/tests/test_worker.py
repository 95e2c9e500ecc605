"""An order placed through the API, its webhook sent by a real Celery worker process."""

import hashlib
import hmac
import time

import pytest

from catalog.tests.factories import ProductFactory
from conftest import client_for
from shop.tests.celery_worker import start_celery_worker
from shop.webhooks.models import DeliveryStatus, WebhookDelivery
from shop.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_placed_is_delivered_by_a_real_celery_worker(celery_broker, tmp_path, customer, webhook_receiver):
    # given: the worker allows the local receiver, as the test's settings do here
    worker = start_celery_worker(
        broker_url=celery_broker,
        log=tmp_path / "celery-worker.log",
        env={"WEBHOOKS_ALLOW_HTTP": "true", "WEBHOOKS_ALLOW_PRIVATE": "true"},
    )
    try:
        endpoint = WebhookEndpointFactory(url=webhook_receiver.url, events=["order.created"])
        product = ProductFactory(quantity=5)

        # when
        response = client_for(customer).post(
            "/api/orders", {"items": [{"product_id": product.pk, "quantity": 1}]}, format="json"
        )
        assert response.status_code == 201
        deadline = time.monotonic() + 60
        while not webhook_receiver.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        delivered = WebhookDelivery.objects.get()
        while delivered.status == DeliveryStatus.PENDING and time.monotonic() < deadline:
            time.sleep(0.05)
            delivered.refresh_from_db()
    finally:
        worker.stop()

    # then
    [request] = webhook_receiver.requests
    assert request.json["data"]["id"] == response.json()["order_id"]
    assert request.headers["X-Shop-Event"] == "order.created"
    fields = dict(part.split("=", 1) for part in request.headers["X-Shop-Signature"].split(","))
    expected = hmac.new(endpoint.secret.encode(), f"{fields['t']}.".encode() + request.body, hashlib.sha256)
    assert hmac.compare_digest(expected.hexdigest(), fields["v1"])
    assert (delivered.status, delivered.attempt, delivered.status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert "shop.webhooks.tasks.webhook_deliver" in worker.log_text()
