import json
from decimal import Decimal

import pytest

from catalog.tests.factories import OfferFactory, ProductFactory
from orders.inquiries.models import QuoteRequest, QuoteRequestItem, QuoteRequestNote, QuoteRequestStatus
from orders.inquiries.tests.factories import (
    QuoteRequestFactory,
    QuoteRequestItemFactory,
    QuoteRequestNoteFactory,
    image_bytes,
    pdf_bytes,
    quote_body,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

URL = "/api/quote-requests"


# --- submission ---------------------------------------------------------------


def test_anyone_can_ask_for_a_quote_and_each_item_keeps_a_price_snapshot(api_client):
    # given a product on a 10% offer and one at list price
    table = ProductFactory(name="Oak table", slug="oak-table", price=Decimal("200.00"))
    OfferFactory(product=table, discount_percentage=Decimal("10"))
    chair = ProductFactory(name="Chair", slug="chair", price=Decimal("45.50"))

    # when
    response = api_client.post(URL, quote_body(table, chair), format="json")

    # then
    assert response.status_code == 201
    quote_request = QuoteRequest.objects.get(pk=response.json()["id"])
    assert quote_request.status == QuoteRequestStatus.NEW
    assert quote_request.email == "jean@example.com"
    assert quote_request.city == "Lomé"
    items = {item.product_id: item for item in quote_request.items.all()}
    assert (items[table.pk].product_name, items[table.pk].product_slug) == ("Oak table", "oak-table")
    assert items[table.pk].unit_price == Decimal("180.00")
    assert items[chair.pk].unit_price == Decimal("45.50")
    assert items[chair.pk].quantity == 2


def test_a_quote_request_needs_only_name_email_and_items(api_client):
    product = ProductFactory()

    response = api_client.post(
        URL, {"full_name": "Ann", "email": "ann@example.com", "items": [{"product_id": product.pk, "quantity": 1}]}
    )

    assert response.status_code == 201
    assert QuoteRequest.objects.get().phone == ""


def test_lines_of_the_same_product_are_merged(api_client):
    product = ProductFactory()
    body = quote_body(items=[{"product_id": product.pk, "quantity": 2}, {"product_id": product.pk, "quantity": 3}])

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 201
    assert list(QuoteRequestItem.objects.values_list("quantity", flat=True)) == [5]


@pytest.mark.parametrize("disabled", [False, True])
def test_an_unknown_or_disabled_product_is_refused_and_nothing_is_stored(api_client, disabled):
    known = ProductFactory()
    other = ProductFactory(is_disabled=True)
    missing_id = other.pk if disabled else other.pk + 1000
    body = quote_body(items=[{"product_id": known.pk, "quantity": 1}, {"product_id": missing_id, "quantity": 1}])

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == "items"
    assert response.json()["unknown_product_ids"] == [missing_id]
    assert not QuoteRequest.objects.exists()
    assert not QuoteRequestItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"product_id": 1, "quantity": 1}] * 51}, "items"),
        ({"items": [{"product_id": 1, "quantity": 0}]}, "items.0.quantity"),
        ({"items": [{"product_id": "abc", "quantity": 1}]}, "items.0.product_id"),
        ({"full_name": ""}, "full_name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_bad_quote_input_is_a_400_naming_the_field(api_client, overrides, field):
    product = ProductFactory()

    response = api_client.post(URL, quote_body(product, **overrides), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field
    assert not QuoteRequest.objects.exists()


def test_a_quote_request_without_items_is_a_400(api_client):
    body = quote_body()
    del body["items"]

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "items"


def test_malformed_json_is_a_400(api_client):
    response = api_client.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- staff reads ----------------------------------------------------------------


def test_staff_list_quote_requests_newest_first(staff_client):
    older = QuoteRequestFactory()
    newer = QuoteRequestFactory()
    QuoteRequestItemFactory(quote_request=newer)

    response = staff_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["items"][0]["quantity"] == 2


def test_staff_filter_quote_requests_by_status_email_and_text(staff_client):
    wanted = QuoteRequestFactory(status=QuoteRequestStatus.QUOTED, email="a@example.com", message="walnut desk")
    QuoteRequestFactory(status=QuoteRequestStatus.NEW, email="a@example.com")
    QuoteRequestFactory(status=QuoteRequestStatus.QUOTED, email="b@example.com")

    def ids(query):
        response = staff_client.get(URL, query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids({"status": "quoted", "email": "A@example.com"}) == {wanted.pk}
    assert ids({"q": "WALNUT"}) == {wanted.pk}
    assert len(ids({"q": "example.com"})) == 3


def test_an_unknown_status_filter_is_a_400(staff_client):
    response = staff_client.get(URL, {"status": "lost"})

    assert response.status_code == 400
    assert response.json()["field"] == "status"


def test_a_product_id_beyond_the_database_range_is_a_400_not_a_500(api_client):
    # Found by the schema fuzzer: 2**63 overflowed SQLite's integers inside the product lookup.
    body = quote_body(items=[{"product_id": 2**63, "quantity": 1}])

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "items.0.product_id"
    assert not QuoteRequest.objects.exists()


def test_staff_see_one_quote_request_with_items_and_notes(staff_client, staff):
    quote_request = QuoteRequestFactory(phone="+228 1")
    item = QuoteRequestItemFactory(quote_request=quote_request, unit_price=Decimal("12.50"), quantity=3)
    note = QuoteRequestNoteFactory(quote_request=quote_request, author=staff, author_email=staff.email)

    response = staff_client.get(f"{URL}/{quote_request.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["phone"] == "+228 1"
    assert body["status"] == "new"
    assert body["quoted_at"] is None
    assert body["items"] == [
        {
            "product_id": item.product_id,
            "quantity": 3,
            "product_name": item.product_name,
            "product_slug": item.product_slug,
            "unit_price": "12.50",
        }
    ]
    assert body["notes"] == [
        {
            "id": note.pk,
            "author_id": staff.pk,
            "author_email": staff.email,
            "content": note.content,
            "created_at": body["notes"][0]["created_at"],
            "attachment": None,
        }
    ]


# --- status -------------------------------------------------------------------


def test_staff_move_a_quote_request_and_quoted_stamps_quoted_at(staff_client):
    quote_request = QuoteRequestFactory()

    response = staff_client.patch(f"{URL}/{quote_request.pk}/status", {"status": "in_progress"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    quote_request.refresh_from_db()
    assert (quote_request.status, quote_request.quoted_at) == ("in_progress", None)

    response = staff_client.patch(f"{URL}/{quote_request.pk}/status/", {"status": "QUOTED"}, format="json")
    assert response.status_code == 200
    quote_request.refresh_from_db()
    assert quote_request.status == "quoted"
    assert quote_request.quoted_at is not None


def test_list_filters_do_not_apply_to_a_status_move(staff_client):
    quote_request = QuoteRequestFactory()

    response = staff_client.patch(
        f"{URL}/{quote_request.pk}/status?status=closed", {"status": "in_progress"}, format="json"
    )

    assert response.status_code == 200
    quote_request.refresh_from_db()
    assert quote_request.status == "in_progress"


# --- notes --------------------------------------------------------------------


def test_a_note_with_a_pdf_quote_is_stored_and_moves_a_new_request_to_in_progress(staff_client, staff, settings):
    quote_request = QuoteRequestFactory()
    pdf = upload("devis.pdf", pdf_bytes(), "application/pdf")

    response = staff_client.post(
        f"{URL}/{quote_request.pk}/notes",
        {"data": json.dumps({"content": "Here is the quote."}), "pdf": pdf},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    note = QuoteRequestNote.objects.get()
    assert body["id"] == note.pk
    assert body["author_id"] == staff.pk
    assert body["author_email"] == staff.email
    assert body["content"] == "Here is the quote."
    attachment = body["attachment"]
    assert attachment["mime_type"] == "application/pdf"
    assert attachment["file_name"] == "devis.pdf"
    assert attachment["size_bytes"] == len(pdf_bytes())
    assert attachment["url"].endswith(".pdf")
    assert len(stored_files(settings)) == 1
    quote_request.refresh_from_db()
    assert quote_request.status == "in_progress"


def test_a_note_does_not_move_a_request_that_is_past_new(staff_client):
    quote_request = QuoteRequestFactory(status=QuoteRequestStatus.QUOTED)

    response = staff_client.post(f"{URL}/{quote_request.pk}/notes", {"content": "Client called back."}, format="json")

    assert response.status_code == 201
    assert response.json()["attachment"] is None
    quote_request.refresh_from_db()
    assert quote_request.status == "quoted"


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"just some text, renamed", 415, "unsupported_media_type"),
        (image_bytes(), 415, "unsupported_media_type"),
        (b"%PDF-1.7\nthis is not really a pdf\n%%EOF", 400, "invalid"),
    ],
    ids=["text-renamed-pdf", "png-renamed-pdf", "broken-pdf"],
)
def test_a_quote_note_attachment_must_be_a_real_pdf_and_nothing_is_stored(
    staff_client, settings, content, status, code
):
    quote_request = QuoteRequestFactory()

    response = staff_client.post(
        f"{URL}/{quote_request.pk}/notes",
        {"data": json.dumps({"content": "Quote"}), "pdf": upload("quote.pdf", content, "application/pdf")},
        format="multipart",
    )

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["field"] == "pdf"
    assert not QuoteRequestNote.objects.exists()
    assert stored_files(settings) == []
    quote_request.refresh_from_db()
    assert quote_request.status == "new"


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [("{broken", "parse_error", None), (json.dumps({"content": ""}), "invalid", "content")],
)
def test_a_bad_note_body_is_a_400(staff_client, data, code, field):
    quote_request = QuoteRequestFactory()

    response = staff_client.post(f"{URL}/{quote_request.pk}/notes", {"data": data}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json().get("field") == field
    assert not QuoteRequestNote.objects.exists()
