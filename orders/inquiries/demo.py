"""Demo quote and custom-product requests, created through the services; no files (seeding runs in a transaction)."""

from catalog.models import Product
from orders.inquiries.models import ProductRequest, ProductRequestStatus, QuoteRequest, QuoteRequestStatus
from orders.inquiries.services import (
    QuoteItemInput,
    inquiry_note_add,
    inquiry_status_change,
    product_request_create,
    quote_request_create,
)

QUOTE_EMAILS = ("jean.quote@example.com", "awa.quote@example.com")
PRODUCT_REQUEST_EMAIL = "studio.request@example.com"


def seed() -> str:
    if (
        QuoteRequest.objects.filter(email__in=QUOTE_EMAILS).exists()
        or ProductRequest.objects.filter(email=PRODUCT_REQUEST_EMAIL).exists()
    ):
        return "demo requests already there"
    products = list(Product.objects.filter(is_disabled=False).order_by("id")[:3])
    created = 0
    if products:
        quoted = quote_request_create(
            full_name="Jean Dupont",
            email=QUOTE_EMAILS[0],
            country="Togo",
            city="Lomé",
            message="Delivery to Lomé, please.",
            items=[QuoteItemInput(product_id=product.pk, quantity=2) for product in products],
        )
        inquiry_note_add(inquiry=quoted, author=None, content="Asked the carrier for a delivery price.")
        inquiry_status_change(inquiry=quoted, status=QuoteRequestStatus.QUOTED)
        quote_request_create(
            full_name="Awa Diallo",
            email=QUOTE_EMAILS[1],
            city="Dakar",
            items=[QuoteItemInput(product_id=products[0].pk, quantity=10)],
        )
        created += 2
    answered = product_request_create(
        full_name="Studio Nord",
        email=PRODUCT_REQUEST_EMAIL,
        company="Studio Nord",
        description="Twelve low oak tables with a smoked glass top, 120x60 cm, for a hotel lobby.",
        quantity=12,
        budget="6 000 EUR",
        reference_url="https://example.com/lobby-brief",
    )
    inquiry_note_add(inquiry=answered, author=None, content="We can make these in eight weeks.")
    inquiry_status_change(inquiry=answered, status=ProductRequestStatus.ANSWERED)
    created += 1
    return f"{created} demo requests" + ("" if products else " (no products yet, so no quote requests)")
