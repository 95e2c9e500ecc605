import pytest
from django.db import IntegrityError, transaction

from catalog.tests.factories import ProductFactory
from orders.inquiries.models import ProductRequest, QuoteRequestStatus
from orders.inquiries.services import (
    QuoteItemInput,
    inquiry_note_add,
    inquiry_status_change,
    product_request_create,
    quote_request_create,
)
from orders.inquiries.tests.factories import QuoteRequestFactory, image_bytes, pdf_bytes, stored_files, upload
from shop.errors import InvalidInput, UpstreamUnavailable

pytestmark = pytest.mark.django_db


def _product_request_the_database_refuses():
    # Quantity 0 breaks a check constraint, after the reference file is stored.
    with pytest.raises(IntegrityError), transaction.atomic():
        product_request_create(
            full_name="Ann",
            email="ann@example.com",
            description="A custom shelf",
            quantity=0,
            image=upload("ref.png", image_bytes()),
        )


def test_a_stored_reference_file_is_deleted_when_the_request_cannot_be_written(settings):
    # given a request the database refuses
    # when
    _product_request_the_database_refuses()

    # then the file stored before the write is gone too
    assert not ProductRequest.objects.exists()
    assert stored_files(settings) == []


def test_a_quote_request_needs_at_least_one_item():
    with pytest.raises(InvalidInput) as refused:
        quote_request_create(full_name="Ann", email="ann@example.com", items=[])

    assert refused.value.field == "items"


def test_an_unknown_status_is_refused_by_the_service():
    quote_request = QuoteRequestFactory()

    with pytest.raises(InvalidInput) as refused:
        inquiry_status_change(inquiry=quote_request, status="shipped")

    assert refused.value.field == "status"


def test_leaving_quoted_keeps_quoted_at_and_returning_restamps_it():
    quote_request = QuoteRequestFactory()
    first = inquiry_status_change(inquiry=quote_request, status=QuoteRequestStatus.QUOTED).quoted_at

    reopened = inquiry_status_change(inquiry=quote_request, status=QuoteRequestStatus.IN_PROGRESS)
    assert reopened.quoted_at == first

    again = inquiry_status_change(inquiry=quote_request, status=QuoteRequestStatus.QUOTED)
    assert again.quoted_at >= first


def test_a_note_without_an_author_keeps_an_empty_email():
    quote_request = QuoteRequestFactory()

    note = inquiry_note_add(inquiry=quote_request, author=None, content="Imported from e-mail")

    assert (note.author_id, note.author_email) == (None, "")
    quote_request.refresh_from_db()
    assert quote_request.status == QuoteRequestStatus.IN_PROGRESS


def test_quote_items_keep_their_snapshot_when_the_product_is_deleted():
    product = ProductFactory(name="Lamp", slug="lamp")
    quote_request = quote_request_create(
        full_name="Ann", email="ann@example.com", items=[QuoteItemInput(product_id=product.pk, quantity=1)]
    )

    product.delete()

    item = quote_request.items.get()
    assert (item.product_id, item.product_name, item.product_slug) == (None, "Lamp", "lamp")


def test_with_cloudinary_a_reference_pdf_is_uploaded_as_a_raw_file(fake_cloudinary):
    product_request = product_request_create(
        full_name="Ann", email="ann@example.com", description="A custom shelf", image=upload("brief.pdf", pdf_bytes())
    )

    [sent] = fake_cloudinary.uploads()
    assert sent.resource_type == "raw"
    assert sent.file_bytes == pdf_bytes()
    assert product_request.file_url.startswith("https://")
    assert product_request.file_public_id.startswith("product-requests/")
    assert (product_request.file_mime_type, product_request.file_name) == ("application/pdf", "brief.pdf")


def test_with_cloudinary_a_file_stored_for_a_failed_write_is_destroyed(fake_cloudinary):
    _product_request_the_database_refuses()

    assert [request.action for request in fake_cloudinary.requests] == ["upload", "destroy"]
    assert fake_cloudinary.resources == {}
    assert not ProductRequest.objects.exists()


def test_when_cloudinary_fails_nothing_is_written(fake_cloudinary):
    quote_request = QuoteRequestFactory()
    fake_cloudinary.fail_with(500)

    with pytest.raises(UpstreamUnavailable):
        inquiry_note_add(inquiry=quote_request, author=None, content="Quote", attachment=upload("q.pdf", pdf_bytes()))

    assert not quote_request.notes.exists()
    quote_request.refresh_from_db()
    assert quote_request.status == QuoteRequestStatus.NEW
