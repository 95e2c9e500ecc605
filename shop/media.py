"""The one media storage layer: every upload of every app goes through here.

Files are checked by decoding them, never by their name or the client's content
type. They are stored on Cloudinary when `CLOUDINARY_URL` is set, else in Django's
default storage under `MEDIA_ROOT` (served at `/media/`).
"""

import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from shop.errors import FileTooLarge, InvalidInput, UnsupportedMediaType

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


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
class CheckedImage:
    format: str
    width: int
    height: int


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


def image_store(*, upload, folder: str) -> StoredMedia:
    """Check `upload` as an image and store it under `folder`. Raises what `image_check` raises."""
    checked = image_check(upload)
    name = default_storage.save(f"{folder}/{uuid.uuid4().hex}.{checked.format}", upload)
    url = default_storage.url(name)
    return StoredMedia(
        url=url,
        secure_url=url,
        public_id=name,
        format=checked.format,
        width=checked.width,
        height=checked.height,
        bytes=upload.size,
    )


def media_delete(*, public_id: str) -> None:
    """Remove a stored file; a file already gone is not an error."""
    if public_id:
        default_storage.delete(public_id)


def document_store(*, upload, folder: str, allow_images: bool) -> StoredMedia:
    """Stand-in until the media branch lands: store a PDF (or, if allowed, an image) checked by content.

    Raises FileTooLarge (413) or UnsupportedMediaType (415).
    """
    upload_size_check(upload)
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(upload.size - 1024, 0))
    tail = upload.read()
    upload.seek(0)
    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        name = default_storage.save(f"{folder}/{uuid.uuid4().hex}.pdf", upload)
        url = default_storage.url(name)
        return StoredMedia(
            url=url, secure_url=url, public_id=name, format="pdf", width=None, height=None, bytes=upload.size
        )
    if not allow_images:
        raise UnsupportedMediaType("File is not a PDF.", field="file")
    return image_store(upload=upload, folder=folder)
