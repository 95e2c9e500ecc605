import pytest

from orders.inquiries.models import ProductRequest, QuoteRequestStatus
from orders.inquiries.tests.factories import (
    ProductRequestFactory,
    ProductRequestNoteFactory,
    QuoteRequestFactory,
    QuoteRequestItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(superuser):
    # pytest-django's `admin_client` logs this user in; the tests check notes name it as their author.
    return superuser


def test_the_quote_request_list_searches_and_filters(admin_client):
    QuoteRequestFactory(full_name="Walnut Buyer", status=QuoteRequestStatus.QUOTED)
    QuoteRequestFactory(full_name="Someone Else")

    response = admin_client.get("/admin/orders/quoterequest/", {"q": "walnut", "status__exact": "quoted"})

    assert response.status_code == 200
    assert b"Walnut Buyer" in response.content
    assert b"Someone Else" not in response.content


def test_a_status_action_goes_through_the_service_and_stamps_quoted_at(admin_client):
    first, second = QuoteRequestFactory.create_batch(2)

    response = admin_client.post(
        "/admin/orders/quoterequest/",
        {"action": "mark_quoted", "_selected_action": [first.pk, second.pk]},
    )

    assert response.status_code == 302
    for quote_request in (first, second):
        quote_request.refresh_from_db()
        assert quote_request.status == "quoted"
        assert quote_request.quoted_at is not None


def test_a_note_added_inline_records_its_author_and_moves_the_request_to_in_progress(admin_client, superuser):
    quote_request = QuoteRequestFactory()
    QuoteRequestItemFactory(quote_request=quote_request)
    form = {
        "full_name": quote_request.full_name,
        "email": quote_request.email,
        "phone": "",
        "country": quote_request.country,
        "city": quote_request.city,
        "address": "",
        "message": quote_request.message,
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": str(quote_request.items.get().pk),
        "items-0-quote_request": str(quote_request.pk),
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-0-content": "Called the client back.",
    }

    response = admin_client.post(f"/admin/orders/quoterequest/{quote_request.pk}/change/", form)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    note = quote_request.notes.get()
    assert (note.author_id, note.author_email, note.content) == (
        superuser.pk,
        superuser.email,
        "Called the client back.",
    )
    quote_request.refresh_from_db()
    assert quote_request.status == "in_progress"


def test_the_product_request_page_links_the_attachments_for_download(admin_client):
    product_request = ProductRequestFactory(file_url="/media/product-requests/ref.png", file_name="ref.png")
    ProductRequestNoteFactory(
        product_request=product_request, file_url="/media/product-requests/1/quote.pdf", file_name="quote.pdf"
    )

    response = admin_client.get(f"/admin/orders/productrequest/{product_request.pk}/change/")

    assert response.status_code == 200
    assert b'href="/media/product-requests/ref.png" download="ref.png"' in response.content
    assert b'href="/media/product-requests/1/quote.pdf" download="quote.pdf"' in response.content


def test_the_product_request_action_stamps_answered_at(admin_client):
    product_request = ProductRequestFactory()

    admin_client.post(
        "/admin/orders/productrequest/", {"action": "mark_answered", "_selected_action": [product_request.pk]}
    )

    product_request.refresh_from_db()
    assert product_request.status == "answered"
    assert product_request.answered_at is not None
    assert ProductRequest.objects.count() == 1


def test_the_quote_request_page_runs_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    quote_request = QuoteRequestFactory()
    QuoteRequestItemFactory.create_batch(10, quote_request=quote_request)

    with django_assert_max_num_queries(12):
        response = admin_client.get(f"/admin/orders/quoterequest/{quote_request.pk}/change/")

    assert response.status_code == 200
