from celery import shared_task

from payments.services.idempotency import idempotency_key_purge
from payments.services.refunds import refunds_unconfirmed_resume


@shared_task
def purge_idempotency_keys() -> int:
    """Daily: delete Idempotency-Key records past their retention; returns how many went."""
    return idempotency_key_purge()


@shared_task
def resume_unconfirmed_refunds() -> int:
    """Every 5 minutes: ask Stripe again about card refunds whose answer was lost; returns how many it answered."""
    return refunds_unconfirmed_resume()
