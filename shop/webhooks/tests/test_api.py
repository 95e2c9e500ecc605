import pytest

from accounts.tests.factories import StaffFactory
from catalog.tests.factories import ProductFactory
from conftest import client_for
from orders.services.lines import OrderLine
from orders.services.orders import order_place
from shop.webhooks.delivery import webhook_deliveries_send_due
from shop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shop.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://93.184.215.14/hooks"


@pytest.fixture
def public_only(settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False


def test_superuser_registers_an_endpoint_and_sees_its_secret_once(superuser_client, public_only):
    response = superuser_client.post(
        "/api/webhooks", {"url": PUBLIC_URL, "events": ["order.created", "order.paid"]}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret
    assert body["secret"].startswith("whsec_")
    assert (body["url"], body["events"], body["is_active"]) == (PUBLIC_URL, ["order.created", "order.paid"], True)
    assert set(body) == {"id", "url", "events", "is_active", "created_at", "secret"}

    shown_again = [
        superuser_client.get(f"/api/webhooks/{endpoint.pk}").json(),
        superuser_client.get("/api/webhooks").json()["results"][0],
    ]
    for item in shown_again:
        assert "secret" not in item
        assert item["id"] == endpoint.pk


def test_each_endpoint_gets_its_own_secret(superuser_client, public_only):
    first = superuser_client.post("/api/webhooks", {"url": PUBLIC_URL, "events": ["order.created"]}, format="json")
    second = superuser_client.post("/api/webhooks", {"url": PUBLIC_URL, "events": ["order.created"]}, format="json")

    assert first.json()["secret"] != second.json()["secret"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.4/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://0.0.0.0/hooks",
        "https://localhost/hooks",
        "https://localhost.:8443/hooks",
        "file:///etc/passwd",
        "http://93.184.215.14/hooks",
        "ftp://93.184.215.14/hooks",
        "https://user:secret@93.184.215.14/hooks",
        "https:///no-host",
        "https://name-that-does-not-resolve.invalid/hooks",
        "not a url",
    ],
)
def test_url_that_is_not_public_https_is_refused(superuser_client, public_only, url):
    response = superuser_client.post("/api/webhooks", {"url": url, "events": ["order.created"]}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("webhook_url_refused", "url")
    assert not WebhookEndpoint.objects.exists()


def test_http_and_local_addresses_are_allowed_by_their_settings(superuser_client, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True

    response = superuser_client.post(
        "/api/webhooks", {"url": "http://localhost:8001/hooks", "events": ["order.created"]}, format="json"
    )

    assert response.status_code == 201


def test_changing_the_url_is_checked_too(superuser_client, public_only):
    endpoint = WebhookEndpointFactory(url=PUBLIC_URL)

    response = superuser_client.patch(f"/api/webhooks/{endpoint.pk}", {"url": "https://10.0.0.9/"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_url_refused"
    endpoint.refresh_from_db()
    assert endpoint.url == PUBLIC_URL


def test_unknown_event_type_is_400(superuser_client, public_only):
    response = superuser_client.post("/api/webhooks", {"url": PUBLIC_URL, "events": ["order.eaten"]}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "events.0"


def test_no_event_type_is_400(superuser_client, public_only):
    response = superuser_client.post("/api/webhooks", {"url": PUBLIC_URL, "events": []}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "events"


def test_patch_changes_events_and_reactivation_forgets_failures(superuser_client, public_only):
    endpoint = WebhookEndpointFactory(url=PUBLIC_URL, is_active=False)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since="2026-01-01T00:00:00Z")

    response = superuser_client.patch(
        f"/api/webhooks/{endpoint.pk}", {"events": ["stock.low"], "is_active": True}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["events"], response.json()["is_active"]) == (["stock.low"], True)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_delete_removes_the_endpoint(superuser_client):
    endpoint = WebhookEndpointFactory()

    response = superuser_client.delete(f"/api/webhooks/{endpoint.pk}")

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_only_superusers_manage_webhooks(who, customer, public_only):
    user = StaffFactory() if who == "staff" else customer
    endpoint = WebhookEndpointFactory()
    client = client_for(user)

    assert client.get("/api/webhooks").status_code == 403
    assert client.get(f"/api/webhooks/{endpoint.pk}/deliveries").status_code == 403
    response = client.post("/api/webhooks", {"url": PUBLIC_URL, "events": ["order.created"]}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert WebhookEndpoint.objects.count() == 1


def test_missing_endpoint_is_404(superuser_client):
    assert superuser_client.get("/api/webhooks/999999").status_code == 404


def test_delivery_log_and_redeliver(superuser_client, customer, webhook_receiver):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url, events=["order.created"])
    order_place(user=customer, lines=[OrderLine(ProductFactory(quantity=5).pk, 1)])
    webhook_receiver.answer(500)
    webhook_deliveries_send_due()
    webhook_deliveries_send_due()
    delivery = WebhookDelivery.objects.get()

    log = superuser_client.get(f"/api/webhooks/{endpoint.pk}/deliveries")

    assert log.status_code == 200
    [row] = log.json()["results"]
    assert row["id"] == delivery.pk
    assert row["event_id"] == str(delivery.event_id)
    assert (row["event_type"], row["status"], row["attempt"], row["status_code"]) == (
        "order.created",
        "succeeded",
        2,
        200,
    )
    assert {"duration_ms", "error", "next_retry_at", "created_at"} <= set(row)

    response = superuser_client.post(f"/api/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver")

    assert response.status_code == 202
    assert (response.json()["status"], response.json()["attempt"]) == ("pending", 0)
    webhook_deliveries_send_due()
    assert webhook_receiver.event_ids() == [str(delivery.event_id)] * 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt) == (DeliveryStatus.SUCCEEDED, 1)


def test_redeliver_of_another_endpoints_delivery_is_404(superuser_client, customer, webhook_receiver):
    mine = WebhookEndpointFactory(url=webhook_receiver.url)
    WebhookEndpointFactory(url=webhook_receiver.url)
    order_place(user=customer, lines=[OrderLine(ProductFactory(quantity=5).pk, 1)])
    theirs = WebhookDelivery.objects.exclude(endpoint=mine).first()

    response = superuser_client.post(f"/api/webhooks/{mine.pk}/deliveries/{theirs.pk}/redeliver")

    assert response.status_code == 404


def test_redeliver_to_an_inactive_endpoint_is_409(superuser_client, customer, webhook_receiver):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url)
    order_place(user=customer, lines=[OrderLine(ProductFactory(quantity=5).pk, 1)])
    webhook_deliveries_send_due()
    WebhookEndpoint.objects.update(is_active=False)
    delivery = WebhookDelivery.objects.get()

    response = superuser_client.post(f"/api/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver")

    assert response.status_code == 409
    assert response.json()["code"] == "webhook_endpoint_inactive"
    assert len(webhook_receiver.requests) == 1


def test_delivery_log_query_count_is_flat(superuser_client, customer, webhook_receiver, django_assert_num_queries):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url)
    for _ in range(4):
        order_place(user=customer, lines=[OrderLine(ProductFactory(quantity=5).pk, 1)])

    with django_assert_num_queries(4):
        response = superuser_client.get(f"/api/webhooks/{endpoint.pk}/deliveries")

    assert response.json()["count"] == 4
