import pytest


@pytest.mark.django_db
def test_redoc_page_lets_the_browser_load_images_only_from_the_shop(api_client):
    response = api_client.get("/api/redoc")

    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    # The bundle's logo lives on its maker's CDN: with this policy the browser never asks for it.
    assert policy["img-src"] == "'self' data:"
    assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "cdn" not in response["Content-Security-Policy"]
