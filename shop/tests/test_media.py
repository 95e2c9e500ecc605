import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from shop.errors import FileTooLarge, InvalidInput, UnsupportedMediaType, UpstreamUnavailable
from shop.media import (
    StoredDocument,
    cloudinary_options,
    document_store,
    filename_clean,
    folder_clean,
    image_store,
    media_delete,
    media_delete_on_commit,
)
from shop.tests.factories import image_bytes, image_upload, pdf_bytes
from shop.tests.fake_cloudinary import API_SECRET


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` pixels in a few bytes: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- local storage ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pillow_format", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_image_store_keeps_each_accepted_format_under_media_root(settings, pillow_format, extension):
    upload = image_upload(pillow_format, name="whatever.bin")

    stored = image_store(upload=upload, folder="products")

    assert stored.format == extension
    assert (stored.width, stored.height) == (12, 8)
    assert stored.bytes == upload.size
    assert stored.public_id.startswith("products/") and stored.public_id.endswith(f".{extension}")
    assert stored.url == stored.secure_url == f"/media/{stored.public_id}"
    assert (Path(settings.MEDIA_ROOT) / stored.public_id).read_bytes() == image_bytes(pillow_format)


def test_image_store_refuses_a_text_file_named_like_an_image_and_stores_nothing(settings):
    upload = SimpleUploadedFile("photo.png", b"just some text, not pixels", content_type="image/png")

    with pytest.raises(UnsupportedMediaType) as refused:
        image_store(upload=upload, folder="products")

    assert refused.value.status_code == 415
    assert refused.value.field == "file"
    assert stored_files(settings) == []


def test_image_store_refuses_a_truncated_image_with_400(settings):
    whole = image_bytes("JPEG", size=(64, 64))
    upload = SimpleUploadedFile("photo.jpg", whole[: len(whole) // 2])

    with pytest.raises(InvalidInput) as refused:
        image_store(upload=upload, folder="products")

    assert refused.value.status_code == 400
    assert stored_files(settings) == []


def test_image_store_refuses_a_file_over_max_upload_mb_with_413(settings):
    settings.MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.png", image_bytes() + b"\0" * (1024 * 1024))

    with pytest.raises(FileTooLarge) as refused:
        image_store(upload=upload, folder="products")

    assert refused.value.status_code == 413
    assert stored_files(settings) == []


def test_image_store_refuses_more_pixels_than_max_image_pixels(settings):
    settings.MAX_IMAGE_PIXELS = 50

    with pytest.raises(FileTooLarge):
        image_store(upload=image_upload(size=(10, 10)), folder="products")

    assert stored_files(settings) == []


def test_image_store_refuses_a_decompression_bomb_before_decoding_it(settings):
    upload = SimpleUploadedFile("bomb.png", png_header_only(30_000, 30_000))

    with pytest.raises(FileTooLarge, match="too many pixels"):
        image_store(upload=upload, folder="products")

    assert stored_files(settings) == []


def test_image_store_refuses_image_formats_outside_the_allowed_four(settings):
    upload = SimpleUploadedFile("photo.png", image_bytes("BMP"))

    with pytest.raises(UnsupportedMediaType, match="BMP"):
        image_store(upload=upload, folder="products")

    assert stored_files(settings) == []


def test_image_store_cannot_write_outside_its_folder(settings):
    stored = image_store(upload=image_upload(), folder="../../etc/passwd")

    assert stored.public_id.startswith("etc/passwd/")
    assert (Path(settings.MEDIA_ROOT) / stored.public_id).is_file()


@pytest.mark.parametrize(
    ("folder", "cleaned"),
    [
        ("products", "products"),
        ("", "uploads"),
        (None, "uploads"),
        ("../..", "uploads"),
        ("/a b/c?d/", "a-b/c-d"),
        ("..\\windows\\system32", "windows/system32"),
        ("a/b/c/d/e/f", "a/b/c/d"),
        ("x" * 100, "x" * 40),
    ],
)
def test_folder_clean_keeps_only_safe_segments(folder, cleaned):
    assert folder_clean(folder) == cleaned


def test_media_delete_removes_a_local_file_and_ignores_one_already_gone(settings):
    stored = image_store(upload=image_upload(), folder="products")

    media_delete(public_id=stored.public_id)
    media_delete(public_id=stored.public_id)

    assert stored_files(settings) == []


@pytest.mark.django_db
def test_media_delete_on_commit_waits_for_the_commit(settings, django_capture_on_commit_callbacks):
    stored = image_store(upload=image_upload(), folder="products")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        media_delete_on_commit(public_id=stored.public_id)
        assert len(stored_files(settings)) == 1

    assert len(callbacks) == 1
    assert stored_files(settings) == []


# --- documents ----------------------------------------------------------------------


def test_document_store_keeps_a_pdf_with_its_cleaned_name_and_real_type(settings):
    upload = SimpleUploadedFile("../../Quote 12.pdf", pdf_bytes(), content_type="text/plain")

    stored = document_store(upload=upload, folder="quotes/notes", allow_images=False)

    assert isinstance(stored, StoredDocument)
    assert stored.filename == "Quote 12.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.format == "pdf"
    assert stored.bytes == upload.size
    assert stored.public_id.startswith("quotes/notes/") and stored.public_id.endswith(".pdf")
    assert (Path(settings.MEDIA_ROOT) / stored.public_id).read_bytes() == pdf_bytes()


def test_document_store_accepts_an_image_when_images_are_allowed(settings):
    upload = SimpleUploadedFile("sketch.pdf", image_bytes("WEBP"))

    stored = document_store(upload=upload, folder="product-requests", allow_images=True)

    assert (stored.format, stored.content_type) == ("webp", "image/webp")
    assert (stored.width, stored.height) == (12, 8)
    assert stored.filename == "sketch.pdf"


def test_document_store_refuses_an_image_where_only_pdfs_are_allowed(settings):
    with pytest.raises(UnsupportedMediaType, match="Only PDF"):
        document_store(upload=image_upload(), folder="quotes", allow_images=False)

    assert stored_files(settings) == []


@pytest.mark.parametrize("allow_images", [True, False])
def test_document_store_refuses_a_text_file_named_pdf(settings, allow_images):
    upload = SimpleUploadedFile("invoice.pdf", b"hello, I am text", content_type="application/pdf")

    with pytest.raises(UnsupportedMediaType):
        document_store(upload=upload, folder="quotes", allow_images=allow_images)

    assert stored_files(settings) == []


def test_document_store_refuses_a_pdf_that_does_not_parse(settings):
    upload = SimpleUploadedFile("invoice.pdf", b"%PDF-1.7\n" + b"garbage " * 200)

    with pytest.raises(InvalidInput, match="PDF is damaged"):
        document_store(upload=upload, folder="quotes", allow_images=False)

    assert stored_files(settings) == []


def test_document_store_refuses_a_password_protected_pdf(settings):
    upload = SimpleUploadedFile("secret.pdf", pdf_bytes(password="s3cret"))

    with pytest.raises(InvalidInput):
        document_store(upload=upload, folder="quotes", allow_images=False)

    assert stored_files(settings) == []


def test_document_store_accepts_a_pdf_locked_only_against_editing(settings):
    upload = SimpleUploadedFile("locked.pdf", pdf_bytes(password="", owner_password="owner"))

    stored = document_store(upload=upload, folder="quotes", allow_images=False)

    assert stored.format == "pdf"
    assert len(stored_files(settings)) == 1


def test_document_store_refuses_a_pdf_over_max_upload_mb(settings):
    settings.MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.pdf", pdf_bytes() + b"\n%" + b"x" * (1024 * 1024))

    with pytest.raises(FileTooLarge):
        document_store(upload=upload, folder="quotes", allow_images=False)

    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("bad\x00name\n.pdf", "bad_name_.pdf"),
        ("", "attachment.pdf"),
        ("...", "attachment.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_filename_clean_drops_paths_and_control_characters(name, cleaned):
    assert filename_clean(name, fallback="attachment.pdf") == cleaned


# --- Cloudinary ---------------------------------------------------------------------


def test_cloudinary_options_read_the_url_like_the_cloudinary_package(settings):
    settings.CLOUDINARY_URL = "cloudinary://key:se%2Fcret@my-cloud?upload_prefix=http://127.0.0.1:9"

    assert cloudinary_options() == {
        "cloud_name": "my-cloud",
        "api_key": "key",
        "api_secret": "se/cret",
        "upload_prefix": "http://127.0.0.1:9",
    }


def test_cloudinary_is_off_without_the_url(settings):
    settings.CLOUDINARY_URL = ""

    assert cloudinary_options() is None


@pytest.mark.parametrize("url", ["https://key:secret@cloud", "cloudinary://cloud", "cloudinary://key@cloud"])
def test_a_malformed_cloudinary_url_is_a_configuration_error(settings, url):
    settings.CLOUDINARY_URL = url

    with pytest.raises(ImproperlyConfigured, match="CLOUDINARY_URL"):
        cloudinary_options()


def test_image_store_uploads_through_the_cloudinary_client(settings, fake_cloudinary):
    upload = image_upload("JPEG", name="photo.jpg", size=(30, 20))

    stored = image_store(upload=upload, folder="../products")

    [sent] = fake_cloudinary.requests
    assert (sent.action, sent.resource_type, sent.cloud_name) == ("upload", "image", "demo-cloud")
    assert sent.fields["folder"] == "products"
    assert sent.fields["signature"] and sent.fields["api_key"]
    assert sent.file_bytes == image_bytes("JPEG", size=(30, 20))
    assert stored.public_id == f"products/{sent.fields['public_id']}"
    assert stored.secure_url.startswith("https://res.cloudinary.com/demo-cloud/image/upload/")
    assert stored.secure_url.endswith(f"/{stored.public_id}.jpg")
    assert stored.url.startswith("http://")
    assert (stored.format, stored.width, stored.height, stored.bytes) == ("jpg", 30, 20, upload.size)
    assert stored_files(settings) == []


def test_a_refused_image_never_reaches_cloudinary(fake_cloudinary):
    with pytest.raises(UnsupportedMediaType):
        image_store(upload=SimpleUploadedFile("a.png", b"text"), folder="products")

    assert fake_cloudinary.requests == []


def test_media_delete_destroys_the_cloudinary_image(fake_cloudinary):
    stored = image_store(upload=image_upload(), folder="products")

    media_delete(public_id=stored.public_id)

    destroy = fake_cloudinary.requests[-1]
    assert (destroy.action, destroy.resource_type) == ("destroy", "image")
    assert destroy.fields["public_id"] == stored.public_id
    assert fake_cloudinary.resources == {}


def test_document_store_sends_pdfs_to_cloudinary_as_raw_files_and_deletes_them(settings, fake_cloudinary):
    stored = document_store(
        upload=SimpleUploadedFile("Quote.pdf", pdf_bytes()), folder="quotes/notes", allow_images=False
    )

    [sent] = fake_cloudinary.uploads()
    assert sent.resource_type == "raw"
    assert sent.file_bytes == pdf_bytes()
    assert stored.public_id.startswith("quotes/notes/") and stored.public_id.endswith(".pdf")
    assert (stored.filename, stored.content_type) == ("Quote.pdf", "application/pdf")
    assert stored.secure_url.startswith("https://res.cloudinary.com/demo-cloud/raw/upload/")
    assert stored_files(settings) == []

    media_delete(public_id=stored.public_id)

    assert fake_cloudinary.requests[-1].resource_type == "raw"
    assert fake_cloudinary.resources == {}


def test_document_store_sends_allowed_images_to_cloudinary_as_images(fake_cloudinary):
    stored = document_store(upload=image_upload(), folder="product-requests", allow_images=True)

    assert fake_cloudinary.uploads()[0].resource_type == "image"
    assert (stored.format, stored.content_type, stored.filename) == ("png", "image/png", "photo.png")


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "message": "Internal error"},
        {"status": 420, "message": "Rate limit exceeded"},
        {"status": 502, "raw": b"<html>Bad gateway</html>"},
    ],
)
def test_a_cloudinary_failure_is_a_502_and_stores_nothing(settings, fake_cloudinary, failure):
    fake_cloudinary.fail_with(**failure)

    with pytest.raises(UpstreamUnavailable) as failed:
        image_store(upload=image_upload(), folder="products")

    assert (failed.value.status_code, failed.value.code) == (502, "upstream_error")
    assert "nothing was stored" in failed.value.message
    assert fake_cloudinary.resources == {}
    assert stored_files(settings) == []


def test_a_slow_cloudinary_times_out_as_a_502(settings, fake_cloudinary):
    settings.CLOUDINARY_TIMEOUT_SECONDS = 0.2
    fake_cloudinary.delay = 2
    started = time.monotonic()

    with pytest.raises(UpstreamUnavailable):
        image_store(upload=image_upload(), folder="products")

    assert time.monotonic() - started < 1.5


def test_an_unreachable_cloudinary_is_a_502(settings, fake_cloudinary):
    settings.CLOUDINARY_URL = "cloudinary://key:secret@demo-cloud?upload_prefix=http://127.0.0.1:9"

    with pytest.raises(UpstreamUnavailable):
        image_store(upload=image_upload(), folder="products")

    assert stored_files(settings) == []


def test_wrong_cloudinary_credentials_are_a_502(settings, fake_cloudinary):
    settings.CLOUDINARY_URL = fake_cloudinary.url.replace(API_SECRET, "wrong-secret")

    with pytest.raises(UpstreamUnavailable):
        image_store(upload=image_upload(), folder="products")

    assert fake_cloudinary.resources == {}


def test_a_failed_cloudinary_delete_is_a_502(fake_cloudinary):
    stored = image_store(upload=image_upload(), folder="products")
    fake_cloudinary.fail_with(500)

    with pytest.raises(UpstreamUnavailable):
        media_delete(public_id=stored.public_id)


@pytest.mark.django_db
def test_a_failed_delete_after_commit_is_logged_not_raised(fake_cloudinary, django_capture_on_commit_callbacks, caplog):
    stored = image_store(upload=image_upload(), folder="products")
    fake_cloudinary.fail_with(500)

    with django_capture_on_commit_callbacks(execute=True):
        media_delete_on_commit(public_id=stored.public_id)

    assert fake_cloudinary.requests[-1].action == "destroy"
    assert "Cloudinary destroy failed" in caplog.text
    assert len(fake_cloudinary.resources) == 1
