"""Mail: every message the shop sends is a pair of templates, HTML and plain text, sent by one function.

Templates live in `templates/mail/`: `<name>.html` and `<name>.txt`, each extending the shared
layout (`mail/base.html`, `mail/base.txt`). Mail leaves only from Celery tasks enqueued on commit
(`<app>/tasks.py`), whose options below retry an unreachable or refusing SMTP server with
exponential back-off. The transport is Django's email framework configured by `EMAIL_URL`.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

# What an SMTP server that is down, slow or refusing for now raises through Django's backend.
MAIL_RETRY_ERRORS = (smtplib.SMTPException, OSError)

# The options of every mail task: about 10 attempts over a few hours (waits 30 s, 60 s, ... capped at 1 h).
MAIL_TASK_OPTIONS = {
    "autoretry_for": MAIL_RETRY_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 10,
}


def storefront_link(path: str) -> str:
    """An absolute link to `path` of the storefront (`STOREFRONT_URL`)."""
    return f"{settings.STOREFRONT_URL}/{path.lstrip('/')}"


def mail_send(*, template: str, to: list[str], subject: str, context: dict) -> None:
    """Render `mail/<template>.html` and `.txt` with `context` and send them as one message to `to`.

    Every template also gets `shop_name`, `storefront_url` and `subject`. Raises what the
    email backend raises (MAIL_RETRY_ERRORS for a server that refuses or cannot be reached).
    """
    subject = f"{settings.SHOP_NAME}: {subject}"
    context = {
        "shop_name": settings.SHOP_NAME,
        "storefront_url": settings.STOREFRONT_URL,
        "subject": subject,
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"mail/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"mail/{template}.html", context), "text/html")
    message.send()
