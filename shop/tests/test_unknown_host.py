"""A request Django refuses before any view runs still gets the contract's JSON under /api/."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", ["/api/products", "/api/auth/login", "/api/nowhere", "/api/health"])
def test_an_unknown_host_under_api_is_a_json_400(client, method, path):
    client.raise_request_exception = False

    response = getattr(client, method)(path, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Bad request", "code": "bad_request"}


@pytest.mark.django_db
def test_an_unknown_host_outside_api_keeps_django_s_page(client):
    client.raise_request_exception = False

    response = client.get("/admin/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
