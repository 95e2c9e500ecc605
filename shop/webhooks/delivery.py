"""Sending outbox deliveries: claim, POST signed, record the outcome, schedule the retry.

A delivery is claimed by a conditional UPDATE that moves its `next_retry_at` past the
attempt's timeout, so a second worker finds it not due and a worker killed mid-attempt
leaves it due again once the claim lapses: nothing is lost, and no event is sent twice
to an endpoint by two workers at once. The POST runs outside any transaction.
"""

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta

import urllib3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.utils import timezone

from shop.webhooks.errors import WebhookUrlRefused
from shop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shop.webhooks.signing import webhook_signature
from shop.webhooks.url_guard import WebhookTarget, webhook_url_resolve

logger = logging.getLogger(__name__)

# How long a claim outlives the attempt's timeout before another worker may take the delivery.
CLAIM_MARGIN_SECONDS = 60
ERROR_MAX_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_deliveries_send_due(*, limit: int = 100) -> int:
    """Attempt up to `limit` pending deliveries that are due, oldest first; returns how many this call sent.

    Safe to run in several workers at once: each delivery is claimed before it is sent.
    """
    due = (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_retry_at__lte=timezone.now(),
            endpoint_id__in=WebhookEndpoint.objects.filter(is_active=True).values("pk"),
        )
        .order_by("next_retry_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(webhook_delivery_send(delivery_id=delivery_id) for delivery_id in list(due))


def webhook_delivery_send(*, delivery_id: int) -> bool:
    """Make one attempt at a pending, due delivery to an active endpoint; False if there was none to make.

    A 2xx answer completes it; anything else (another status, a redirect, a timeout, a
    refused address) schedules the next attempt with exponential back-off and jitter,
    until WEBHOOK_MAX_ATTEMPTS, and may deactivate an endpoint failing for too long.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return False
    event, endpoint = delivery.event, delivery.endpoint
    body = json.dumps(
        {"id": str(event.id), "type": event.type, "created_at": event.created_at, "data": event.data},
        cls=DjangoJSONEncoder,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "shop-webhooks/1",
        "X-Shop-Event": event.type,
        "X-Shop-Delivery": str(delivery.pk),
        "X-Shop-Signature": webhook_signature(secret=endpoint.secret, timestamp=int(time.time()), body=body),
    }
    try:
        # Again at each attempt: the name may resolve elsewhere since the endpoint was saved.
        target = webhook_url_resolve(endpoint.url)
    except WebhookUrlRefused as refused:
        outcome = Outcome(status_code=None, duration_ms=0, error=refused.message)
    else:
        outcome = _post(target=target, body=body, headers=headers)
    _outcome_record(delivery=delivery, outcome=outcome)
    return True


def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    claim_until = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + CLAIM_MARGIN_SECONDS)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_retry_at__lte=now,
        endpoint_id__in=WebhookEndpoint.objects.filter(is_active=True).values("pk"),
    ).update(attempt=F("attempt") + 1, next_retry_at=claim_until, updated_at=now)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def _post(*, target: WebhookTarget, body: bytes, headers: dict) -> Outcome:
    headers = {**headers, "Host": target.host_header}
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS)
    # Connects to the checked address; TLS still verifies the certificate for the host name.
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False)
    started = time.monotonic()
    try:
        response = pool.urlopen(
            "POST", target.path, body=body, headers=headers, redirect=False, retries=False, preload_content=False
        )
        response.drain_conn()
    except urllib3.exceptions.HTTPError as failed:
        return Outcome(status_code=None, duration_ms=_elapsed_ms(started), error=f"{type(failed).__name__}: {failed}")
    finally:
        pool.close()
    error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    if 300 <= response.status < 400:
        error = f"HTTP {response.status}: redirects are not followed"
    return Outcome(status_code=response.status, duration_ms=_elapsed_ms(started), error=error)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _outcome_record(*, delivery: WebhookDelivery, outcome: Outcome) -> None:
    now = timezone.now()
    delivery.status_code = outcome.status_code
    delivery.duration_ms = outcome.duration_ms
    delivery.error = outcome.error[:ERROR_MAX_LENGTH]
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.next_retry_at = None
        delivery.delivered_at = now
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=False).update(failing_since=None)
    elif delivery.attempt >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_retry_at = None
    else:
        delivery.next_retry_at = now + timedelta(seconds=retry_delay_seconds(attempt=delivery.attempt))
    delivery.save(
        update_fields=["status", "status_code", "duration_ms", "error", "next_retry_at", "delivered_at", "updated_at"]
    )
    if not outcome.succeeded:
        logger.warning("Webhook delivery %s to %s failed: %s", delivery.pk, delivery.endpoint.url, delivery.error)
        _endpoint_failure_note(endpoint_id=delivery.endpoint_id, now=now)


def retry_delay_seconds(*, attempt: int) -> float:
    """Exponential back-off after attempt number `attempt` (1-based), with jitter so retries spread out.

    The base doubles each time; the wait is drawn between half of it and all of it.
    With the defaults (60 s, 10 attempts) the last attempt comes 4 to 8.5 hours after the first.
    """
    ceiling = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (spreading retries, not a secret)


def _endpoint_failure_note(*, endpoint_id: int, now) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(failing_since=now)
    failing_for = timedelta(hours=settings.WEBHOOK_DEACTIVATE_AFTER_HOURS)
    deactivated = WebhookEndpoint.objects.filter(
        pk=endpoint_id, is_active=True, failing_since__lte=now - failing_for
    ).update(is_active=False, deactivated_at=now, updated_at=now)
    if deactivated:
        # An error, so that error reporting tells the team; the admin shows it to superusers.
        logger.error(
            "Webhook endpoint %s deactivated: every delivery failed for %s hours.",
            endpoint_id,
            settings.WEBHOOK_DEACTIVATE_AFTER_HOURS,
        )
