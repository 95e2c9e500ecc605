import json
import logging

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from orders.models import Order
from shop.exceptions import api_exception_handler
from shop.tests.factories import image_upload

pytestmark = pytest.mark.django_db

LIMIT = 4096


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def media_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] if settings.MEDIA_ROOT.exists() else []


def test_json_body_over_the_limit_is_413_and_nothing_is_stored(small_limit, customer_client):
    product = ProductFactory(quantity=5)
    items = [{"product_id": product.pk, "quantity": 1, "size": "x" * 50}] * 100
    body = json.dumps({"items": items})
    assert len(body) > LIMIT

    response = customer_client.post("/api/orders", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"error": "Request body is larger than 4096 bytes.", "code": "request_too_large"}
    assert not Order.objects.exists()


def test_json_body_at_the_limit_reaches_the_view(small_limit, customer_client):
    product = ProductFactory(quantity=5)
    body = json.dumps({"items": [{"product_id": product.pk, "quantity": 1}]})
    body = body[:-3] + " " * (LIMIT - len(body)) + body[-3:]
    assert len(body.encode()) == LIMIT

    response = customer_client.post("/api/orders", body, content_type="application/json")

    assert response.status_code == 201


def test_multipart_upload_over_the_limit_is_413_and_no_file_is_stored(small_limit, settings, staff_client):
    upload = SimpleUploadedFile("big.png", b"\x89PNG" + b"\0" * (2 * LIMIT), content_type="image/png")

    response = staff_client.post("/api/upload/images", {"files": [upload]}, format="multipart")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert media_files(settings) == []


def test_anonymous_oversized_body_is_413_before_authentication(small_limit):
    response = APIClient().post("/api/auth/login", {"email": "a@example.com", "password": "p" * 2 * LIMIT})

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_the_413_is_readable_by_the_storefront(small_limit, settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]

    response = APIClient().post("/api/auth/login", {"password": "p" * 2 * LIMIT}, HTTP_ORIGIN=origin)

    assert response.status_code == 413
    assert response["Access-Control-Allow-Origin"] == origin
    assert "X-Request-ID" in response["Access-Control-Expose-Headers"]


def test_oversized_body_outside_the_api_is_a_plain_413(small_limit):
    response = APIClient().post("/admin/login/", {"username": "u" * 2 * LIMIT}, format="multipart")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_the_413_is_logged_as_one_request_line(small_limit, customer_client, caplog):
    caplog.set_level(logging.INFO)
    response = customer_client.post("/api/orders", "x" * (LIMIT + 1), content_type="application/json")

    lines = [r for r in caplog.records if r.name == "shop.request"]
    assert [(r.status, r.request_id) for r in lines] == [(413, response["X-Request-ID"])]


def test_default_body_limit_fits_a_full_gallery_and_an_import_file(settings):
    megabyte = 1024 * 1024

    assert settings.MAX_BODY_MB * megabyte == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.MAX_BODY_MB > settings.PRODUCT_MAX_IMAGES * settings.MAX_UPLOAD_MB
    assert settings.MAX_BODY_MB > settings.PRODUCT_IMPORT_MAX_MB


def test_django_refusing_a_body_as_too_big_is_413():
    response = api_exception_handler(RequestDataTooBig("Request body exceeded"), {"view": None})

    assert response.status_code == 413
    assert response.data == {"error": "Request body too large.", "code": "request_too_large"}


def test_too_many_files_in_one_upload_is_400_not_500(settings, staff_client):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [image_upload(name=f"{n}.png") for n in range(3)]

    response = staff_client.post("/api/upload/images", {"files": files}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert media_files(settings) == []


def test_too_many_form_fields_is_400_not_500(settings, staff_client):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    fields = {f"field{n}": "x" for n in range(3)} | {"files": [image_upload()]}

    response = staff_client.post("/api/upload/images", fields, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


DEEP = "[" * 100_000


def test_json_nested_too_deeply_is_400_not_500(customer_client):
    response = customer_client.post("/api/orders", DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "The JSON is nested too deeply.", "code": "invalid"}
    assert not Order.objects.exists()


def test_anonymous_deep_json_is_400_not_500():
    response = APIClient().post("/api/auth/login", DEEP, content_type="application/json")

    assert response.status_code == 400


def test_deep_json_in_a_multipart_data_part_is_400_not_500(staff_client, api_client):
    product = staff_client.post("/api/products", {"data": DEEP}, format="multipart")
    product_request = api_client.post("/api/product-requests", {"data": DEEP}, format="multipart")

    assert (product.status_code, product_request.status_code) == (400, 400)
