"""What a storefront page on another origin may send and read, as the browser enforces it."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

FOREIGN_ORIGIN = "https://evil.example"


def preflight(origin: str, path: str = "/api/payments"):
    return APIClient().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


def test_preflight_from_allowed_origin_allows_idempotency_key_with_credentials(settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]

    response = preflight(origin)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Access-Control-Allow-Credentials"] == "true"
    allowed = {header.strip() for header in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_preflight_of_the_refresh_cookie_route_allows_credentials(settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]

    response = preflight(origin, "/api/auth/refresh")

    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_response_to_allowed_origin_exposes_the_headers_clients_read(settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]

    response = APIClient().get("/api/products", HTTP_ORIGIN=origin)

    assert response["Access-Control-Allow-Origin"] == origin
    exposed = {header.strip().lower() for header in response["Access-Control-Expose-Headers"].split(",")}
    assert {"idempotent-replayed", "etag", "retry-after"} <= exposed


@pytest.mark.parametrize("path", ["/api/payments", "/api/auth/refresh"])
def test_preflight_from_another_origin_gets_no_cors_headers(path):
    response = preflight(FOREIGN_ORIGIN, path)

    assert not [header for header in response.headers if header.lower().startswith("access-control-")]


def test_response_to_another_origin_gets_no_cors_headers():
    response = APIClient().get("/api/products", HTTP_ORIGIN=FOREIGN_ORIGIN)

    assert response.status_code == 200
    assert not [header for header in response.headers if header.lower().startswith("access-control-")]
