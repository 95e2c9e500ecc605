import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.tests.factories import ProductFactory
from orders.inquiries.models import ProductRequest, ProductRequestNote, QuoteRequest, QuoteRequestItem, QuoteRequestNote


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")


class InquiryNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    author_email = "staff@example.com"
    content = "Called the client."


class QuoteRequestFactory(InquiryFactory):
    class Meta:
        model = QuoteRequest

    country = "Togo"
    city = "Lomé"
    message = "Please quote delivery to Lomé."


class QuoteRequestItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteRequestItem

    quote_request = factory.SubFactory(QuoteRequestFactory)
    product = factory.SubFactory(ProductFactory)
    product_name = factory.LazyAttribute(lambda item: item.product.name)
    product_slug = factory.LazyAttribute(lambda item: item.product.slug)
    unit_price = Decimal("20.00")
    quantity = 2


class QuoteRequestNoteFactory(InquiryNoteFactory):
    class Meta:
        model = QuoteRequestNote

    quote_request = factory.SubFactory(QuoteRequestFactory)


class ProductRequestFactory(InquiryFactory):
    class Meta:
        model = ProductRequest

    company = "ACME"
    description = "A low oak table with a smoked glass top, 120x60 cm."
    quantity = 2


class ProductRequestNoteFactory(InquiryNoteFactory):
    class Meta:
        model = ProductRequestNote

    product_request = factory.SubFactory(ProductRequestFactory)
    content = "We can make this."


def pdf_bytes() -> bytes:
    """A real one-page PDF, written by Pillow so that any PDF parser accepts it."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PDF")
    return buffer.getvalue()


def image_bytes(format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings) -> list:
    """Every file under the test's MEDIA_ROOT, to check what an upload left behind."""
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# Who asks, as the storefront sends it with either kind of request.
CONTACT = {
    "full_name": "Jean Dupont",
    "email": "Jean@Example.com",
    "phone": "+228 90 00 00 00",
    "country": "Togo",
    "city": "Lomé",
}


def quote_body(*products, **overrides) -> dict:
    items = [{"product_id": product.pk, "quantity": 2} for product in products]
    return CONTACT | {"address": "Rue des Fleurs, 12", "message": "Fast delivery please.", "items": items} | overrides


def product_request_data(**overrides) -> dict:
    data = CONTACT | {
        "company": "ACME",
        "description": "Low oak table with a smoked glass top, 120x60 cm.",
        "quantity": 2,
        "desired_deadline": "2030-06-01",
        "budget": "150 000 FCFA",
        "reference_url": "https://example.com/ref",
    }
    return data | overrides
