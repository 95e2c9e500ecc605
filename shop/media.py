"""The one media storage layer: every upload of every app goes through here.

Files are checked by decoding them, never by their name or the client's content
type, and nothing is stored when a check fails. They go to Cloudinary (through the
official `cloudinary` client) when `CLOUDINARY_URL` is set, else to Django's default
storage under `MEDIA_ROOT`, served at `MEDIA_URL` (`/media/`).

Cloudinary is an outside service: `image_store`, `document_store` and `media_delete`
make network calls and must never run inside an open database transaction. Store
first, then write the rows that point at the file inside `media_discarded_on_failure`
(the files go again if the write fails); to remove a file whose row a transaction
deletes, call `media_delete_on_commit` inside that transaction.
"""

import logging
import re
import uuid
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

import cloudinary.exceptions
import cloudinary.uploader
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from shop.errors import DomainError, FileTooLarge, InvalidInput, UnsupportedMediaType, UpstreamUnavailable
from shop.pdf_safety import PdfActiveContent, PdfTooComplex, pdf_active_content
from shop.provider_urls import provider_url_allowed

logger = logging.getLogger(__name__)

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "pdf": "application/pdf",
}
DEFAULT_FOLDER = "uploads"
# Cloudinary keeps PDFs as "raw" resources, whose public ids keep their extension;
# that extension is how `media_delete` knows which resource type to destroy.
RAW_EXTENSIONS = (".pdf",)
# The PDF header may be preceded by junk; readers look for it in the first KiB.
PDF_HEADER_WINDOW = 1024
_FOLDER_SEGMENT_JUNK = re.compile(r"[^A-Za-z0-9_-]+")
_FILENAME_JUNK = re.compile(r"[\x00-\x1f\x7f/\\]+")


@dataclass(frozen=True)
class StoredMedia:
    url: str
    secure_url: str
    public_id: str
    format: str
    width: int | None
    height: int | None
    bytes: int


@dataclass(frozen=True)
class StoredDocument(StoredMedia):
    """A stored attachment, with what a download needs: the client's file name and the real type."""

    filename: str
    content_type: str


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class CheckedDocument:
    format: str
    content_type: str
    width: int | None = None
    height: int | None = None


def upload_size_check(upload) -> None:
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise FileTooLarge(f"File is larger than {settings.MAX_UPLOAD_MB} MB.", field="file")


def image_check(upload) -> CheckedImage:
    """Decode `upload` fully; raise unless it is a JPEG, PNG, WebP or GIF of bounded size and pixel count.

    Raises FileTooLarge (413), UnsupportedMediaType (415) or InvalidInput (400).
    """
    upload_size_check(upload)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; our limit is the pixel count itself.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise UnsupportedMediaType(f"{image.format} images are not accepted.", field="file")
                if image.width * image.height > settings.MAX_IMAGE_PIXELS:
                    raise FileTooLarge("Image has too many pixels.", field="file")
                image.load()
                checked = CheckedImage(format=IMAGE_FORMATS[image.format], width=image.width, height=image.height)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise FileTooLarge("Image has too many pixels.", field="file") from None
    except UnidentifiedImageError:
        raise UnsupportedMediaType("File is not an image.", field="file") from None
    except (OSError, SyntaxError, ValueError):
        raise InvalidInput("Image is damaged or truncated.", field="file") from None
    finally:
        upload.seek(0)
    return checked


def pdf_check(upload) -> CheckedDocument:
    """Parse `upload` as a PDF; raise unless it opens, has at least one page and no active content.

    Raises FileTooLarge (413), UnsupportedMediaType (415, not a PDF at all), PdfActiveContent
    (400, JavaScript or Launch actions: shop/pdf_safety.py) or InvalidInput (400, a damaged or
    password-protected PDF).
    """
    upload_size_check(upload)
    upload.seek(0)
    try:
        if b"%PDF-" not in upload.read(PDF_HEADER_WINDOW):
            raise UnsupportedMediaType("File is not a PDF.", field="file")
        upload.seek(0)
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput("Password-protected PDFs are not accepted.", field="file")
        if len(reader.pages) == 0:
            raise InvalidInput("PDF has no pages.", field="file")
        active_content = pdf_active_content(reader)
        if active_content:
            raise PdfActiveContent(f"PDFs with {active_content} are not accepted.", field="file")
    except PdfTooComplex:
        raise InvalidInput("PDF has too many objects to be checked.", field="file") from None
    # A parser fed hostile bytes fails in many ways; each of these means "not a readable PDF".
    except (
        PyPdfError,
        DependencyError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
        OSError,
        RecursionError,
    ):
        raise InvalidInput("PDF is damaged or cannot be read.", field="file") from None
    finally:
        upload.seek(0)
    return CheckedDocument(format="pdf", content_type=CONTENT_TYPES["pdf"])


def document_check(upload, *, allow_images: bool) -> CheckedDocument:
    """Check `upload` as a PDF or, when `allow_images`, as an image; the bytes decide which.

    Raises what `pdf_check` and `image_check` raise; UnsupportedMediaType (415) for anything else.
    """
    upload_size_check(upload)
    upload.seek(0)
    head = upload.read(PDF_HEADER_WINDOW)
    upload.seek(0)
    if b"%PDF-" in head:
        return pdf_check(upload)
    if not allow_images:
        raise UnsupportedMediaType("Only PDF files are accepted.", field="file")
    try:
        image = image_check(upload)
    except UnsupportedMediaType:
        raise UnsupportedMediaType(
            "Only PDF files and JPEG, PNG, WebP or GIF images are accepted.", field="file"
        ) from None
    return CheckedDocument(
        format=image.format, content_type=CONTENT_TYPES[image.format], width=image.width, height=image.height
    )


def folder_clean(folder: str | None) -> str:
    """`folder` reduced to at most four `[A-Za-z0-9_-]` segments, so a client cannot climb out of its tree."""
    segments = (
        _FOLDER_SEGMENT_JUNK.sub("-", part).strip("-")[:40] for part in (folder or "").replace("\\", "/").split("/")
    )
    kept = [segment for segment in segments if segment][:4]
    return "/".join(kept) or DEFAULT_FOLDER


def filename_clean(name: str | None, *, fallback: str) -> str:
    """The client's file name without any path or control characters, at most 200 characters."""
    base = _FILENAME_JUNK.sub("_", PurePosixPath((name or "").replace("\\", "/")).name).strip(" ._")
    if not base:
        return fallback
    if len(base) <= 200:
        return base
    suffix = PurePosixPath(base).suffix[:16]
    return base[: 200 - len(suffix)] + suffix


def cloudinary_options() -> dict[str, str] | None:
    """The account options parsed from `CLOUDINARY_URL`, or None when Cloudinary is off.

    Read the way the `cloudinary` package reads it: `cloudinary://KEY:SECRET@CLOUD_NAME`,
    query parameters (e.g. `upload_prefix`, the API host) passed on as options.
    They go with each call rather than into the package's global config, so a
    settings change (a test's fake server) takes effect at once.
    """
    if not settings.CLOUDINARY_URL:
        return None
    parsed = urlsplit(settings.CLOUDINARY_URL)
    if parsed.scheme != "cloudinary" or not (parsed.hostname and parsed.username and parsed.password):
        raise ImproperlyConfigured("CLOUDINARY_URL must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    options.update(cloud_name=parsed.hostname, api_key=unquote(parsed.username), api_secret=unquote(parsed.password))
    return options


def _cloudinary_call(action, *args, failure_message: str, **options) -> dict:
    try:
        result = action(*args, timeout=settings.CLOUDINARY_TIMEOUT_SECONDS, **cloudinary_options(), **options)
    except cloudinary.exceptions.Error as failure:
        logger.warning("Cloudinary %s failed: %s", action.__name__, failure)
        raise UpstreamUnavailable(failure_message) from None
    if not isinstance(result, dict):
        raise UpstreamUnavailable("The media service gave an unexpected answer.")
    return result


def _cloudinary_upload(upload, *, folder: str, public_id: str, resource_type: str) -> dict:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    result = _cloudinary_call(
        cloudinary.uploader.upload,
        (public_id, data),
        folder=folder,
        public_id=public_id,
        resource_type=resource_type,
        overwrite=False,
        failure_message="The media service failed; nothing was stored.",
    )
    if not (result.get("public_id") and result.get("secure_url")):
        raise UpstreamUnavailable("The media service gave an unexpected answer.")
    if not (
        provider_url_allowed(result["secure_url"])
        and provider_url_allowed(result.get("url") or result["secure_url"], schemes=("http", "https"))
    ):
        logger.warning("Cloudinary answered an upload with a URL off its delivery hosts: %r", result.get("secure_url"))
        _cloudinary_discard(public_id=result["public_id"])
        raise UpstreamUnavailable("The media service gave an unexpected answer; nothing was stored.")
    return result


def _cloudinary_discard(*, public_id: str) -> None:
    # Best effort: the upload is refused either way, and a leftover file only costs space.
    try:
        media_delete(public_id=public_id)
    except UpstreamUnavailable:
        logger.warning("Could not delete the refused Cloudinary upload %s", public_id)


def _local_save(upload, *, folder: str, extension: str) -> tuple[str, str]:
    name = default_storage.save(f"{folder}/{uuid.uuid4().hex}.{extension}", upload)
    return name, default_storage.url(name)


def image_store(*, upload, folder: str) -> StoredMedia:
    """Check `upload` as an image and store it under `folder` (sanitised).

    Raises what `image_check` raises, and UpstreamUnavailable (502) when Cloudinary
    fails, in which case nothing was stored. Makes a network call with Cloudinary on:
    never call it inside a transaction.
    """
    checked = image_check(upload)
    folder = folder_clean(folder)
    if cloudinary_options() is None:
        name, url = _local_save(upload, folder=folder, extension=checked.format)
        return StoredMedia(
            url=url,
            secure_url=url,
            public_id=name,
            format=checked.format,
            width=checked.width,
            height=checked.height,
            bytes=upload.size,
        )
    result = _cloudinary_upload(upload, folder=folder, public_id=uuid.uuid4().hex, resource_type="image")
    return StoredMedia(
        url=result.get("url") or result["secure_url"],
        secure_url=result["secure_url"],
        public_id=result["public_id"],
        format=result.get("format") or checked.format,
        width=result.get("width", checked.width),
        height=result.get("height", checked.height),
        bytes=result.get("bytes", upload.size),
    )


def document_store(*, upload, folder: str, allow_images: bool) -> StoredDocument:
    """Check `upload` as a PDF (or an image, when `allow_images`) and store it under `folder`.

    The stored name is random; the client's file name is only returned (cleaned) for
    display and downloads. Raises what `document_check` raises, and
    UpstreamUnavailable (502) when Cloudinary fails, in which case nothing was
    stored. Makes a network call with Cloudinary on: never call it inside a transaction.
    """
    checked = document_check(upload, allow_images=allow_images)
    folder = folder_clean(folder)
    filename = filename_clean(upload.name, fallback=f"attachment.{checked.format}")
    if cloudinary_options() is None:
        name, url = _local_save(upload, folder=folder, extension=checked.format)
        public_id, secure_url, size = name, url, upload.size
    else:
        is_pdf = checked.format == "pdf"
        result = _cloudinary_upload(
            upload,
            folder=folder,
            public_id=f"{uuid.uuid4().hex}.pdf" if is_pdf else uuid.uuid4().hex,
            resource_type="raw" if is_pdf else "image",
        )
        public_id, secure_url, size = result["public_id"], result["secure_url"], result.get("bytes", upload.size)
        url = result.get("url") or secure_url
    return StoredDocument(
        url=url,
        secure_url=secure_url,
        public_id=public_id,
        format=checked.format,
        width=checked.width,
        height=checked.height,
        bytes=size,
        filename=filename,
        content_type=checked.content_type,
    )


def media_delete(*, public_id: str) -> None:
    """Remove a stored file (image or document); a file already gone is not an error.

    Raises UpstreamUnavailable (502) when Cloudinary fails. Makes a network call with
    Cloudinary on: never call it inside a transaction; use `media_delete_on_commit`.
    """
    if not public_id:
        return
    if cloudinary_options() is None:
        default_storage.delete(public_id)
        return
    resource_type = "raw" if public_id.lower().endswith(RAW_EXTENSIONS) else "image"
    _cloudinary_call(
        cloudinary.uploader.destroy,
        public_id,
        resource_type=resource_type,
        invalidate=True,
        failure_message="The media service failed to delete the file.",
    )


def media_delete_on_commit(*, public_id: str) -> None:
    """Delete the file once the current transaction commits (at once outside one).

    A failure is logged, never raised: the rows are already gone and an orphaned
    file must not turn a committed request into an error.
    """
    if not public_id:
        return

    # A named function, not a partial: Django logs a robust callback's failure by its __qualname__.
    def delete_stored_file():
        media_delete(public_id=public_id)

    transaction.on_commit(delete_stored_file, robust=True)


def images_store(*, uploads: Sequence, folder: str, field: str) -> list[StoredMedia]:
    """Store every upload in `folder` as an image, or none: a refused file removes the ones already stored.

    Raises what `image_store` raises, with `field` naming the request field. Must run
    outside a transaction (the storage may be Cloudinary).
    """
    stored: list[StoredMedia] = []
    for upload in uploads:
        try:
            stored.append(image_store(upload=upload, folder=folder))
        except DomainError as error:
            media_discard(stored=stored)
            error.field = field
            raise
    return stored


def media_discard(*, stored: Iterable[StoredMedia]) -> None:
    """Remove files stored for a write that did not happen.

    A failure is logged, never raised: it must not mask the error that made the write
    fail, and an orphaned file is only wasted space.
    """
    for media in stored:
        try:
            media_delete(public_id=media.public_id)
        except DomainError:
            logger.warning("Could not delete orphaned file %s", media.public_id)


@contextmanager
def media_discarded_on_failure(*, stored: Iterable[StoredMedia]) -> Iterator[None]:
    """Run the block that writes the rows pointing at `stored`; if it raises, remove those files and re-raise.

    Open it outside the block's transaction, so the files go only once the rows are rolled back.
    """
    try:
        yield
    except BaseException:
        media_discard(stored=stored)
        raise
