"""The mail staff get for each new quote or product request (`STAFF_NOTIFICATION_EMAILS`)."""

from django.apps import apps
from django.conf import settings

from orders.inquiries.models import Inquiry, QuoteRequest
from shop.mail import mail_send


def inquiry_staff_notify(*, model_label: str, inquiry_id: int) -> bool:
    """Tell `STAFF_NOTIFICATION_EMAILS` of the inquiry `inquiry_id` of `model_label` ("orders.quoterequest").

    Returns False, sending nothing, when nobody is to be told or the inquiry is gone.
    Raises MAIL_RETRY_ERRORS when the SMTP server refuses or cannot be reached (the task retries).
    """
    model: type[Inquiry] = apps.get_model(model_label)
    inquiry = model.objects.filter(pk=inquiry_id).first()
    if not settings.STAFF_NOTIFICATION_EMAILS or inquiry is None:
        return False
    is_quote = isinstance(inquiry, QuoteRequest)
    kind_label = str(model._meta.verbose_name)
    mail_send(
        template="staff_inquiry",
        to=settings.STAFF_NOTIFICATION_EMAILS,
        subject=f"new {kind_label} #{inquiry.pk} from {inquiry.full_name}",
        context={
            "inquiry": inquiry,
            "kind_label": kind_label,
            "kind_plural": str(model._meta.verbose_name_plural).capitalize(),
            "items": list(inquiry.items.all()) if is_quote else [],
            "text": inquiry.message if is_quote else inquiry.description,
        },
    )
    return True
