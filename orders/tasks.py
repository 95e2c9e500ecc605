from celery import shared_task

from orders.services.expiry import orders_expire


@shared_task
def expire_orders() -> int:
    """Every minute: cancel the unpaid orders past ORDER_PENDING_TTL_MINUTES; returns how many."""
    return orders_expire()
