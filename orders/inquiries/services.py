"""Inquiries (quote and custom-product requests): submission, status moves and staff notes.

Attachments are stored through the media layer before any row is written, never
inside a transaction; if the rows then fail to save, the stored file is deleted.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import normalize_email
from catalog.models import Product
from catalog.pricing import final_price
from catalog.selectors import product_discounts_now
from orders.inquiries.models import Inquiry, InquiryNote, ProductRequest, QuoteRequest, QuoteRequestItem
from orders.tasks import inquiry_staff_mail
from shop.errors import DomainError, InvalidInput, UnsupportedMediaType
from shop.media import StoredDocument, document_store, media_discard, media_discarded_on_failure

# The formats inquiries take; the media layer also knows GIF, which they refuse.
INQUIRY_FILE_FORMATS = frozenset({"pdf", "jpg", "png", "webp"})
ACCEPTED_FORMATS_MESSAGE = "Only PDF files and JPEG, PNG or WebP images are accepted."


@dataclass(frozen=True)
class QuoteItemInput:
    product_id: int
    quantity: int


def _attachment_store(*, upload, folder: str, allow_images: bool, field: str) -> StoredDocument:
    """Store `upload` through the media layer and refuse formats inquiries do not take (GIF)."""
    try:
        stored = document_store(upload=upload, folder=folder, allow_images=allow_images)
    except DomainError as refused:
        # The media layer names its own field; the client knows the file by the part it sent.
        refused.field = field
        if isinstance(refused, UnsupportedMediaType):
            refused.message = ACCEPTED_FORMATS_MESSAGE if allow_images else "Only PDF files are accepted."
        raise
    if stored.format not in INQUIRY_FILE_FORMATS:
        media_discard(stored=[stored])
        raise UnsupportedMediaType(ACCEPTED_FORMATS_MESSAGE, field=field)
    return stored


def _file_fields(stored: StoredDocument | None) -> dict:
    if stored is None:
        return {}
    return {
        "file_url": stored.secure_url or stored.url,
        "file_public_id": stored.public_id,
        "file_mime_type": stored.content_type,
        "file_size": stored.bytes,
        "file_name": stored.filename[:255],
    }


def _contact(*, full_name: str, email: str, phone: str, country: str, city: str) -> dict:
    """Who asks, as stored for either kind: the email normalised the way accounts store theirs."""
    return {"full_name": full_name, "email": normalize_email(email), "phone": phone, "country": country, "city": city}


def _write_or_discard(stored: StoredDocument | None, write):
    """Run `write()`; if it fails, delete the file stored for it so nothing is orphaned."""
    with media_discarded_on_failure(stored=[stored] if stored else []):
        return write()


@transaction.atomic
def quote_request_create(
    *,
    full_name: str,
    email: str,
    items: list[QuoteItemInput],
    phone: str = "",
    country: str = "",
    city: str = "",
    address: str = "",
    message: str = "",
) -> QuoteRequest:
    """Record a visitor's quote request with a snapshot of each product's name, slug and current price.

    The unit price is the price the storefront shows now (after the best active offer).
    Lines for the same product are merged. Raises InvalidInput (field `items`) when a
    product does not exist or is disabled.
    """
    if not items:
        raise InvalidInput("A quote request needs at least one item.", field="items")
    quantities: dict[int, int] = {}
    for item in items:
        quantities[item.product_id] = quantities.get(item.product_id, 0) + item.quantity

    products = Product.objects.filter(pk__in=quantities, is_disabled=False).only("id", "name", "slug", "price")
    found = {product.pk: product for product in products}
    missing = sorted(set(quantities) - set(found))
    if missing:
        raise InvalidInput(
            f"Unknown product: {', '.join(map(str, missing))}.", field="items", extra={"unknown_product_ids": missing}
        )
    discounts = product_discounts_now(product_ids=list(found))

    quote_request = QuoteRequest.objects.create(
        **_contact(full_name=full_name, email=email, phone=phone, country=country, city=city),
        address=address,
        message=message,
    )
    QuoteRequestItem.objects.bulk_create(
        QuoteRequestItem(
            quote_request=quote_request,
            product=found[product_id],
            product_name=found[product_id].name,
            product_slug=found[product_id].slug,
            unit_price=final_price(found[product_id].price, discounts.get(product_id)),
            quantity=quantity,
        )
        for product_id, quantity in quantities.items()
    )
    _staff_notify(quote_request)
    return quote_request


def product_request_create(
    *,
    full_name: str,
    email: str,
    description: str,
    quantity: int = 1,
    phone: str = "",
    company: str = "",
    country: str = "",
    city: str = "",
    desired_deadline: datetime.date | None = None,
    budget: str = "",
    reference_url: str = "",
    image=None,
) -> ProductRequest:
    """Record a visitor's request for a custom product, with an optional reference image or PDF.

    The file is checked by content (an image must decode, a PDF must parse) and stored
    before the row is written; it is deleted again if the row cannot be written.
    `reference_url` is stored, never fetched. Raises UnsupportedMediaType (415),
    FileTooLarge (413) or InvalidInput (400) for a bad file.
    """
    stored = None
    if image is not None:
        stored = _attachment_store(upload=image, folder=ProductRequest.FILE_FOLDER, allow_images=True, field="image")

    def write():
        product_request = ProductRequest.objects.create(
            **_contact(full_name=full_name, email=email, phone=phone, country=country, city=city),
            company=company,
            description=description,
            quantity=quantity,
            desired_deadline=desired_deadline,
            budget=budget,
            reference_url=reference_url,
            **_file_fields(stored),
        )
        _staff_notify(product_request)
        return product_request

    return _write_or_discard(stored, write)


def _staff_notify(inquiry: Inquiry) -> None:
    if settings.STAFF_NOTIFICATION_EMAILS:
        inquiry_staff_mail.delay_on_commit(model_label=inquiry._meta.label_lower, inquiry_id=inquiry.pk)


def inquiry_status_change(*, inquiry: Inquiry, status: str) -> Inquiry:
    """Set the status of `inquiry`; each move into its kind's answered status stamps the kind's field
    (`quoted` stamps `quoted_at`, `answered` stamps `answered_at`), a repeat of it does not.

    Any status may follow any other (staff reopen closed requests). Raises InvalidInput
    (field `status`) for a status the kind does not have.
    """
    known = inquiry.statuses()
    if status not in known:
        raise InvalidInput(f"Unknown status {status!r}; expected one of {', '.join(known)}.", field="status")
    answered_status, answered_at = inquiry.ANSWERED
    with transaction.atomic():
        locked = type(inquiry).objects.select_for_update().get(pk=inquiry.pk)
        update_fields = ["status", "updated_at"]
        if status == answered_status and locked.status != answered_status:
            setattr(locked, answered_at, timezone.now())
            update_fields.append(answered_at)
        locked.status = status
        locked.save(update_fields=update_fields)
    return locked


def inquiry_note_add(*, inquiry: Inquiry, author, content: str, attachment=None) -> InquiryNote:
    """Add a staff note to `inquiry`, with an optional attachment of the kind's note file
    (a PDF quote on a quote request; an image or PDF on a custom-product request).

    A note on a `new` inquiry moves it to `in_progress`. The file is stored first,
    outside any transaction, and deleted again if the note cannot be written.
    Raises UnsupportedMediaType (415), FileTooLarge (413) or InvalidInput (400) for a bad
    file, naming the kind's part (`pdf` or `file`).
    """
    stored = None
    if attachment is not None:
        part, allow_images = inquiry.NOTE_FILE
        folder = f"{inquiry.FILE_FOLDER}/{inquiry.pk}"
        stored = _attachment_store(upload=attachment, folder=folder, allow_images=allow_images, field=part)

    def write():
        with transaction.atomic():
            # Lock the inquiry before inserting: the note's foreign key check takes a shared
            # lock on it, and two writers upgrading shared locks to move the status deadlock.
            locked = type(inquiry).objects.select_for_update().get(pk=inquiry.pk)
            note = locked.notes.create(
                author=author, author_email=getattr(author, "email", "") or "", content=content, **_file_fields(stored)
            )
            if locked.status == "new":
                locked.status = "in_progress"
                locked.save(update_fields=["status", "updated_at"])
        return note

    return _write_or_discard(stored, write)
