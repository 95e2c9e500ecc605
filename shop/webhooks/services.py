import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from shop.bulk_insert import rows_insert
from shop.webhooks.errors import WebhookEndpointInactive
from shop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from shop.webhooks.signing import webhook_secret_generate
from shop.webhooks.tasks import webhook_deliver, webhook_deliveries_retry
from shop.webhooks.url_guard import webhook_url_resolve

# More deliveries than this from one change (an import) go to one drain task instead of a task each.
ENQUEUE_EACH_UP_TO = 20


def webhook_event_record(*, type: str, data: dict) -> uuid.UUID:
    """Write event `type` to the outbox, with one pending delivery per active endpoint taking it; returns its id.

    Called inside the transaction of the change it reports (a rolled-back change leaves
    no event); the deliveries are handed to the queue once that transaction commits, and
    the periodic retry finds any the queue lost. `data` may hold Decimals and datetimes.
    """
    return webhook_events_record(events=[(type, data)])[0]


def webhook_event_types_taken() -> set[str]:
    """The event types some active endpoint takes: an event of any other type is sent to no one."""
    endpoints_events = WebhookEndpoint.objects.filter(is_active=True).values_list("events", flat=True)
    return {event_type for events in endpoints_events for event_type in events}


def webhook_events_record(*, events: Sequence[tuple[str, dict]]) -> list[uuid.UUID]:
    """`webhook_event_record` for many events: one multi-row INSERT of events, one of deliveries.

    An import writes one event per product; through the ORM, building and compiling those
    rows cost more than inserting the products themselves.
    """
    now = timezone.now()
    ids = [uuid.uuid4() for _ in events]
    rows_insert(
        WebhookEvent,
        [{"id": event_id, "type": type, "data": data} for event_id, (type, data) in zip(ids, events, strict=True)],
        now=now,
    )
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    deliveries = [
        {"event_id": event_id, "endpoint_id": endpoint.pk, "next_retry_at": now}
        for event_id, (type, _data) in zip(ids, events, strict=True)
        for endpoint in endpoints
        if type in endpoint.events
    ]
    if len(deliveries) > ENQUEUE_EACH_UP_TO:
        rows_insert(WebhookDelivery, deliveries, now=now)
        webhook_deliveries_retry.delay_on_commit()
    else:
        # Few: each is queued by its id, which the ORM reads back.
        for delivery in WebhookDelivery.objects.bulk_create([WebhookDelivery(**values) for values in deliveries]):
            webhook_deliver.delay_on_commit(delivery.pk)
    return ids


def webhook_endpoint_create(
    *, url: str, events: Sequence[str], is_active: bool = True, actor: User | None = None
) -> WebhookEndpoint:
    """Register an endpoint with a new signing secret (the caller shows it once).

    Raises WebhookUrlRefused (400) for a URL the server must not call.
    """
    webhook_url_resolve(url)
    return WebhookEndpoint.objects.create(
        url=url,
        events=list(dict.fromkeys(events)),
        is_active=is_active,
        secret=webhook_secret_generate(),
        created_by=actor,
    )


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Sequence[str] | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change the URL, the event types or whether the endpoint is active.

    Switching an endpoint back on forgets its failures, so it gets a full day again.
    Raises WebhookUrlRefused (400) for a URL the server must not call.
    """
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        webhook_url_resolve(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = list(dict.fromkeys(events))
    if is_active is not None:
        if is_active and not endpoint.is_active:
            endpoint.failing_since = None
            endpoint.deactivated_at = None
        endpoint.is_active = is_active
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its delivery log; its pending deliveries are never sent."""
    endpoint.delete()


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery's event to its endpoint again, from a fresh first attempt.

    Raises WebhookEndpointInactive (409) when the endpoint is switched off.
    """
    delivery = WebhookDelivery.objects.select_for_update().select_related("event", "endpoint").get(pk=delivery.pk)
    if not delivery.endpoint.is_active:
        raise WebhookEndpointInactive()
    delivery.status = DeliveryStatus.PENDING
    delivery.attempt = 0
    delivery.next_retry_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["status", "attempt", "next_retry_at", "error", "updated_at"])
    webhook_deliver.delay_on_commit(delivery.pk)
    return delivery
