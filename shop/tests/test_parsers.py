"""shop.parsers.MultipartJsonParser through the routes that use it in each of its two modes."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Category
from orders.models import ProductRequest

pytestmark = pytest.mark.django_db


def _json_blob(payload: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("blob", json.dumps(payload).encode(), content_type="application/json")


def test_a_json_blob_data_part_is_read_like_a_text_one_where_files_join_the_fields(api_client):
    payload = {"full_name": "Jean Dupont", "email": "jean@example.com", "description": "A low oak table."}

    response = api_client.post("/api/product-requests", {"data": _json_blob(payload)}, format="multipart")

    assert response.status_code == 201
    assert ProductRequest.objects.get().full_name == "Jean Dupont"


@pytest.mark.parametrize(
    ("raw", "error"), [("{nope", "data: not valid JSON."), ("[1]", "data: expected a JSON object.")]
)
def test_a_bad_data_part_where_files_stay_apart_is_invalid_input_on_data(staff_client, raw, error):
    response = staff_client.post("/api/categories", {"data": raw}, format="multipart")

    assert (response.status_code, response.json()) == (400, {"error": error, "code": "invalid", "field": "data"})
    assert not Category.objects.exists()


def test_plain_form_fields_are_ignored_where_the_data_part_is_the_whole_body(staff_client):
    response = staff_client.post("/api/categories", {"name": "Lamps"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["field"] == "name"
