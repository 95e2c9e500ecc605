"""Real files for upload tests, for every app: images Pillow draws and PDFs pypdf writes, so the media checks
decode them as they would a browser's upload."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def image_bytes(format: str = "PNG", size: tuple[int, int] = (12, 8), color="red") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=format)
    return buffer.getvalue()


def image_upload(
    format: str = "PNG", name: str = "photo.png", size: tuple[int, int] = (12, 8), color="red"
) -> SimpleUploadedFile:
    """A real small image, as a browser would upload it (always announced as image/png: only the bytes count)."""
    return SimpleUploadedFile(name, image_bytes(format, size, color), content_type="image/png")


def text_upload(name: str = "photo.png") -> SimpleUploadedFile:
    """A text file pretending to be an image by its name and content type."""
    return SimpleUploadedFile(name, b"definitely not an image", content_type="image/png")


def pdf_bytes(*, password: str | None = None, owner_password: str | None = None) -> bytes:
    """A real one-page PDF, encrypted when `password` is given."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    if password is not None:
        writer.encrypt(password, owner_password)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
