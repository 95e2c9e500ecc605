from celery import shared_task

from payments.services.idempotency import idempotency_key_purge


@shared_task
def purge_idempotency_keys() -> int:
    """Daily: delete Idempotency-Key records past their retention; returns how many went."""
    return idempotency_key_purge()
