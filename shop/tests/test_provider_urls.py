"""URLs the media service answers with, as a hostile or compromised Cloudinary would send them."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product, ProductImage
from orders.models import ProductRequest


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


HOSTILE_ANSWERS = {
    "javascript-url": {"secure_url": "javascript:alert(document.cookie)", "url": "javascript:alert(1)"},
    "plain-http-secure-url": {"secure_url": "http://res.cloudinary.com/demo-cloud/image/upload/x.png"},
    "another-host": {"secure_url": "https://evil.example/x.png", "url": "http://evil.example/x.png"},
    "look-alike-host": {"secure_url": "https://res.cloudinary.com.evil.example/x.png"},
    "credentials-trick": {"secure_url": "https://res.cloudinary.com@evil.example/x.png"},
    "data-url-as-url": {"url": "data:text/html,<script>alert(1)</script>"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("answer", HOSTILE_ANSWERS.values(), ids=HOSTILE_ANSWERS.keys())
def test_a_product_image_whose_url_is_off_the_delivery_host_is_refused_and_nothing_is_stored(
    staff_client, fake_cloudinary, answer
):
    fake_cloudinary.answer_overrides = answer

    response = staff_client.post(
        "/api/products",
        {"data": json.dumps({"name": "Lamp", "price": "10.00", "quantity": 1}), "images": [_png()]},
        format="multipart",
    )

    assert response.status_code == 502
    assert response.json() == {
        "error": "The media service gave an unexpected answer; nothing was stored.",
        "code": "upstream_error",
        "field": "images",
    }
    assert not Product.objects.exists()
    assert not ProductImage.objects.exists()
    # The file it did take is destroyed again.
    assert fake_cloudinary.resources == {}


@pytest.mark.django_db
def test_a_visitors_attachment_with_a_javascript_url_is_refused_and_nothing_is_stored(api_client, fake_cloudinary):
    fake_cloudinary.answer_overrides = HOSTILE_ANSWERS["javascript-url"]
    data = {"full_name": "Eve Visitor", "email": "eve@example.com", "description": "A table, please, 120x60 cm."}

    response = api_client.post("/api/product-requests", {"data": json.dumps(data), "image": _png()}, format="multipart")

    assert response.status_code == 502
    assert response.json()["code"] == "upstream_error"
    assert not ProductRequest.objects.exists()
    assert fake_cloudinary.resources == {}


@pytest.mark.django_db
def test_urls_on_a_configured_delivery_host_are_stored(staff_client, fake_cloudinary, settings):
    settings.CLOUDINARY_DELIVERY_HOSTS = ["res.cloudinary.com", "media.shop.example"]
    fake_cloudinary.answer_overrides = {"secure_url": "https://media.shop.example/demo-cloud/image/upload/x.png"}

    response = staff_client.post(
        "/api/products",
        {"data": json.dumps({"name": "Lamp", "price": "10.00", "quantity": 1}), "images": [_png()]},
        format="multipart",
    )

    assert response.status_code == 201
    assert ProductImage.objects.get().url == "https://media.shop.example/demo-cloud/image/upload/x.png"
