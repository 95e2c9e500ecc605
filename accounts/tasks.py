from celery import shared_task
from django.core.management import call_command


@shared_task
def flush_expired_tokens() -> None:
    """Daily: drop refresh-token records past their expiry (simplejwt's `flushexpiredtokens`)."""
    call_command("flushexpiredtokens", verbosity=0)
