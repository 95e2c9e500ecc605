from celery import shared_task

from orders.inquiries.mails import inquiry_staff_notify
from orders.mails import order_mail_send
from shop.mail import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def order_mail(event_id: int) -> None:
    """Mail the customer about the order event `event_id` (placed, paid, shipped, cancelled, refund); once."""
    order_mail_send(event_id=event_id)


@shared_task(**MAIL_TASK_OPTIONS)
def inquiry_staff_mail(model_label: str, inquiry_id: int) -> None:
    """Tell staff (`STAFF_NOTIFICATION_EMAILS`) of a new quote or product request."""
    inquiry_staff_notify(model_label=model_label, inquiry_id=inquiry_id)


@shared_task
def expire_orders() -> int:
    """Every minute: cancel the unpaid orders past ORDER_PENDING_TTL_MINUTES; returns how many."""
    # Imported here: the expiry service records events, and recording an event enqueues this
    # module's mail task.
    from orders.services.expiry import orders_expire

    return orders_expire()
