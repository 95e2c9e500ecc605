from celery import shared_task

from shop.webhooks.delivery import webhook_deliveries_send_due, webhook_delivery_send

RETRY_BATCH = 100


@shared_task
def webhook_deliver(delivery_id: int) -> None:
    """First attempt at a delivery, enqueued when the change that wrote its event commits."""
    webhook_delivery_send(delivery_id=delivery_id)


@shared_task
def webhook_deliveries_retry() -> int:
    """Periodic: every delivery that is due (retries, and any whose first task was lost); returns how many."""
    total = 0
    while sent := webhook_deliveries_send_due(limit=RETRY_BATCH):
        total += sent
        if sent < RETRY_BATCH:
            break
    return total
