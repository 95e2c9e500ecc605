"""PDFs with active content, sent by an anonymous visitor as a product request's attachment."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from orders.models import ProductRequest

REQUEST = {"full_name": "Eve Visitor", "email": "eve@example.com", "description": "A table, please, 120x60 cm."}


def _one_page_pdf() -> PdfWriter:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PDF")
    return PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_document_script() -> bytes:
    writer = _one_page_pdf()
    writer.add_open_action(JavaScript("app.alert('owned');"))
    return _bytes(writer)


def pdf_launching_a_program_on_open() -> bytes:
    writer = _one_page_pdf()
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    return _bytes(writer)


def pdf_with_a_script_behind_a_link() -> bytes:
    # Deep in the tree: a page's link annotation whose action, an indirect object, runs a script.
    writer = _one_page_pdf()
    action = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(8), FloatObject(8)]),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _bytes(writer)


def _post(api_client, content: bytes):
    attachment = SimpleUploadedFile("brief.pdf", content, content_type="application/pdf")
    return api_client.post(
        "/api/product-requests", {"data": json.dumps(REQUEST), "image": attachment}, format="multipart"
    )


def _stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_pdf", "named"),
    [
        (pdf_with_document_script, "JavaScript"),
        (pdf_launching_a_program_on_open, "Launch actions"),
        (pdf_with_a_script_behind_a_link, "JavaScript"),
    ],
    ids=["document-script", "launch-on-open", "script-behind-a-link"],
)
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(api_client, settings, make_pdf, named):
    response = _post(api_client, make_pdf())

    assert response.status_code == 400
    assert response.json() == {
        "error": f"PDFs with {named} are not accepted.",
        "code": "active_content",
        "field": "image",
    }
    assert not ProductRequest.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_a_pdf_with_plain_links_and_pages_is_accepted(api_client, settings):
    writer = _one_page_pdf()
    writer.add_blank_page(width=200, height=200)
    writer.add_uri(0, "https://example.com/specs", rect=(0, 0, 8, 8))

    response = _post(api_client, _bytes(writer))

    assert response.status_code == 201
    assert ProductRequest.objects.get().file_mime_type == "application/pdf"
    assert len(_stored_files(settings)) == 1
