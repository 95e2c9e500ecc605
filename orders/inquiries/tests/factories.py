import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.tests.factories import ProductFactory
from orders.inquiries.models import ProductRequest, ProductRequestNote, QuoteRequest, QuoteRequestItem, QuoteRequestNote


class QuoteRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteRequest

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
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


class QuoteRequestNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuoteRequestNote

    quote_request = factory.SubFactory(QuoteRequestFactory)
    author_email = "staff@example.com"
    content = "Called the client."


class ProductRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductRequest

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"maker{n}@example.com")
    company = "ACME"
    description = "A low oak table with a smoked glass top, 120x60 cm."
    quantity = 2


class ProductRequestNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductRequestNote

    product_request = factory.SubFactory(ProductRequestFactory)
    author_email = "staff@example.com"
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
