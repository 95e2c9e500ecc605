from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from orders.services.lines import OrderLine
from orders.services.orders import order_place
from shop.webhooks.delivery import webhook_deliveries_send_due
from shop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shop.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_only(settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_adds_an_endpoint_and_shows_the_secret_once(admin_client, superuser, public_only):
    response = admin_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"url": "https://93.184.215.14/hooks", "events": ["order.created", "order.paid"], "is_active": "on"},
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.created_by) == (["order.created", "order.paid"], superuser)
    assert endpoint.secret in response.text
    page = admin_client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in page.text


def test_admin_refuses_a_private_url(admin_client, public_only):
    response = admin_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"url": "https://169.254.169.254/latest", "events": ["order.created"], "is_active": "on"},
    )

    assert response.status_code == 200
    assert "not public" in response.text
    assert not WebhookEndpoint.objects.exists()


def test_admin_tells_staff_an_endpoint_was_deactivated(admin_client):
    WebhookEndpointFactory(url="https://dead.example.com/hook", is_active=False, deactivated_at=timezone.now())
    WebhookEndpointFactory(url="https://paused.example.com/hook", is_active=False)

    response = admin_client.get(reverse("admin:webhooks_webhookendpoint_changelist"))

    messages = _messages(response)
    assert any("https://dead.example.com/hook was deactivated" in message for message in messages)
    assert not any("paused.example.com" in message for message in messages)


def test_admin_redelivers_selected_deliveries(admin_client, customer, webhook_receiver):
    WebhookEndpointFactory(url=webhook_receiver.url, events=["order.created"])
    order_place(user=customer, lines=[OrderLine(ProductFactory().pk, 1)])
    webhook_deliveries_send_due()
    delivery = WebhookDelivery.objects.get()

    response = admin_client.post(
        reverse("admin:webhooks_webhookdelivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt) == (DeliveryStatus.PENDING, 0)
    assert delivery.next_retry_at <= timezone.now() + timedelta(seconds=1)
    webhook_deliveries_send_due()
    assert len(webhook_receiver.requests) == 2


def test_delivery_log_page_lists_deliveries(admin_client, customer, webhook_receiver):
    WebhookEndpointFactory(url=webhook_receiver.url)
    order_place(user=customer, lines=[OrderLine(ProductFactory().pk, 1)])

    response = admin_client.get(reverse("admin:webhooks_webhookdelivery_changelist"))

    assert response.status_code == 200
    assert "order.created" in response.text
