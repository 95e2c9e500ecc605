import datetime
import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from orders.inquiries.models import ProductRequest, ProductRequestNote, ProductRequestStatus
from orders.inquiries.tests.factories import (
    ProductRequestFactory,
    ProductRequestNoteFactory,
    image_bytes,
    pdf_bytes,
    product_request_data,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

URL = "/api/product-requests"


def post_multipart(client, data: dict, **files):
    return client.post(URL, {"data": json.dumps(data), **files}, format="multipart")


# --- submission ---------------------------------------------------------------


def test_anyone_can_ask_for_a_custom_product_with_a_reference_image(api_client, settings):
    png = image_bytes("PNG")

    response = post_multipart(api_client, product_request_data(), image=upload("ref.png", png, "image/png"))

    assert response.status_code == 201
    product_request = ProductRequest.objects.get(pk=response.json()["id"])
    assert product_request.status == ProductRequestStatus.NEW
    assert product_request.email == "jean@example.com"
    assert product_request.company == "ACME"
    assert product_request.quantity == 2
    assert product_request.desired_deadline == datetime.date(2030, 6, 1)
    assert product_request.budget == "150 000 FCFA"
    assert product_request.reference_url == "https://example.com/ref"
    assert product_request.file_mime_type == "image/png"
    assert product_request.file_size == len(png)
    assert product_request.file_name == "ref.png"
    assert product_request.file_public_id.startswith("product-requests/")
    assert [path.read_bytes() for path in stored_files(settings)] == [png]


def test_a_pdf_reference_is_accepted(api_client):
    response = post_multipart(
        api_client, product_request_data(), image=upload("brief.pdf", pdf_bytes(), "application/pdf")
    )

    assert response.status_code == 201
    assert ProductRequest.objects.get().file_mime_type == "application/pdf"


def test_a_json_request_without_a_file_defaults_to_one_piece(api_client):
    data = product_request_data(desired_deadline="2030-06-01T00:00:00.000Z")
    del data["quantity"]

    response = api_client.post(URL, data, format="json")

    assert response.status_code == 201
    product_request = ProductRequest.objects.get()
    assert product_request.quantity == 1
    assert product_request.desired_deadline == datetime.date(2030, 6, 1)
    assert not product_request.has_file


@pytest.mark.parametrize(
    ("name", "content"),
    [("ref.pdf", b"plain text pretending to be a pdf"), ("ref.png", b"GIF89a not really"), ("ref.jpg", b"")],
    ids=["text-renamed-pdf", "junk-renamed-png", "empty-file"],
)
def test_a_reference_file_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_stored(
    api_client, settings, name, content
):
    response = post_multipart(api_client, product_request_data(), image=upload(name, content))

    assert response.status_code in (400, 415)
    assert response.json()["field"] == "image"
    assert not ProductRequest.objects.exists()
    assert stored_files(settings) == []


def test_a_gif_reference_is_refused_and_removed_from_storage(api_client, settings):
    response = post_multipart(
        api_client, product_request_data(), image=upload("ref.gif", image_bytes("GIF"), "image/gif")
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert response.json()["error"] == "Only PDF files and JPEG, PNG or WebP images are accepted."
    assert not ProductRequest.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "tiny"}, "description"),
        ({"description": "x" * 8001}, "description"),
        ({"quantity": 0}, "quantity"),
        ({"desired_deadline": "next week"}, "desired_deadline"),
        ({"reference_url": "not a url"}, "reference_url"),
        ({"email": "nope"}, "email"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_bad_product_request_input_is_a_400_naming_the_field(api_client, overrides, field):
    response = post_multipart(api_client, product_request_data(**overrides))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field
    assert not ProductRequest.objects.exists()


@pytest.mark.parametrize("raw", ["{broken", "[1, 2]"])
def test_a_data_part_that_is_not_a_json_object_is_a_400(api_client, raw):
    response = api_client.post(URL, {"data": raw}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- staff reads ----------------------------------------------------------------


def test_staff_filter_product_requests_by_status_exact_email_and_text(staff_client):
    wanted = ProductRequestFactory(
        status=ProductRequestStatus.ANSWERED, email="a@example.com", company="Walnut & Co", description="A bench"
    )
    ProductRequestFactory(email="a@example.com.fr", description="A walnut chair")
    ProductRequestFactory(status=ProductRequestStatus.ANSWERED, email="b@example.com")

    def ids(query):
        response = staff_client.get(URL, query)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids({"email": "A@example.com"}) == [wanted.pk]
    assert ids({"status": "answered", "q": "walnut"}) == [wanted.pk]
    assert len(ids({"q": "WALNUT"})) == 2
    assert len(ids({})) == 3


def test_staff_see_a_product_request_with_its_reference_file_and_notes(api_client, staff_client):
    created = post_multipart(api_client, product_request_data(), image=upload("ref.webp", image_bytes("WEBP")))
    ProductRequestNoteFactory(product_request_id=created.json()["id"])

    response = staff_client.get(f"{URL}/{created.json()['id']}")

    assert response.status_code == 200
    body = response.json()
    assert body["description"] == product_request_data()["description"]
    assert body["desired_deadline"] == "2030-06-01"
    assert body["answered_at"] is None
    image = body["reference_image"]
    assert image["mime_type"] == "image/webp"
    assert image["file_name"] == "ref.webp"
    assert image["size_bytes"] == len(image_bytes("WEBP"))
    assert image["url"].endswith(".webp")
    assert image["uploaded_at"] == body["created_at"]
    assert [note["content"] for note in body["notes"]] == ["We can make this."]


# --- status and notes -------------------------------------------------------------


def test_answered_stamps_answered_at_and_a_repeat_keeps_the_first_stamp(staff_client):
    product_request = ProductRequestFactory()
    url = f"{URL}/{product_request.pk}/status"

    assert staff_client.patch(url, {"status": "answered"}, format="json").json() == {"ok": True}
    product_request.refresh_from_db()
    first_stamp = product_request.answered_at
    assert product_request.status == "answered"
    assert first_stamp is not None

    assert staff_client.patch(url, {"status": "answered"}, format="json").status_code == 200
    product_request.refresh_from_db()
    assert product_request.answered_at == first_stamp


def test_a_request_without_a_reference_url_renders_what_the_schema_documents(staff_client):
    # Found by the schema fuzzer (response_schema_conformance): the output documented reference_url as a
    # string of format "uri", but a request without one renders "", which is no URI.
    ProductRequestFactory(reference_url="")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["components"]["schemas"]["ProductRequestOutput"]["properties"]["reference_url"]

    body = staff_client.get(URL).json()

    assert body["results"][0]["reference_url"] == ""
    assert documented["type"] == "string" and "format" not in documented


def test_a_note_with_an_image_moves_a_new_product_request_to_in_progress(staff_client, staff, settings):
    product_request = ProductRequestFactory()

    response = staff_client.post(
        f"{URL}/{product_request.pk}/notes",
        {"data": json.dumps({"content": "Sketch attached."}), "file": upload("sketch.jpg", image_bytes("JPEG"))},
        format="multipart",
    )

    assert response.status_code == 201
    assert response.json()["author_email"] == staff.email
    assert response.json()["attachment"]["mime_type"] == "image/jpeg"
    note = ProductRequestNote.objects.get()
    assert note.file_name == "sketch.jpg"
    assert len(stored_files(settings)) == 1
    product_request.refresh_from_db()
    assert product_request.status == "in_progress"


def test_a_product_note_with_a_renamed_text_file_is_refused_and_nothing_is_stored(staff_client, settings):
    product_request = ProductRequestFactory()

    response = staff_client.post(
        f"{URL}/{product_request.pk}/notes",
        {"data": json.dumps({"content": "Quote"}), "file": upload("quote.pdf", b"hello, I am text")},
        format="multipart",
    )

    assert response.status_code == 415
    assert response.json()["field"] == "file"
    assert not ProductRequestNote.objects.exists()
    assert stored_files(settings) == []
    product_request.refresh_from_db()
    assert product_request.status == "new"
