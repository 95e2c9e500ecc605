import re
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from shop.errors import Conflict
from shop.urls import urlpatterns as shop_urlpatterns


class _Input(serializers.Serializer):
    email = serializers.EmailField()
    items = serializers.ListField(child=serializers.DictField(child=serializers.IntegerField(min_value=1)))


class _ProbeView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret SQL and a traceback")

    def post(self, request):
        _Input(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})

    def put(self, request):
        raise Conflict("Illegal move", extra={"allowed": ["paid"]})


urlpatterns = [path("api/probe", _ProbeView.as_view()), *shop_urlpatterns]


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/health", "/health/", "/api/health", "/api/health/"])
def test_health_reports_database_ok_with_and_without_slash(api_client, url):
    response = api_client.get(url)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "queue": "eager"}


@pytest.mark.django_db
def test_health_reports_503_when_database_is_unreachable(api_client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = api_client.get("/api/health")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok", "queue": "eager"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_route_is_json_404(api_client, method):
    response = getattr(api_client, method)("/api/no-such-thing/42")

    assert response.status_code == 404
    assert response.json() == {"error": "Not found", "code": "not_found"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_route_is_json_404_for_unsafe_methods_without_csrf_cookie(method):
    # Found by the schema fuzzer: an id that is not a number (/api/blogs/%C2%84) matched no route and
    # the catch-all answered Django's HTML "CSRF cookie not set" 403 instead of the JSON 404.
    client = APIClient(enforce_csrf_checks=True)

    response = getattr(client, method)("/api/blogs/%C2%84", {"title": "x"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "Not found", "code": "not_found"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/reviews/8%0A", "/api/cart/items/%0Ax", "/api/%0A"])
def test_unknown_api_route_with_a_newline_is_json_404(api_client, url):
    # Found by the schema fuzzer (content_type_conformance): the catch-all "^.*$" does not match across
    # a newline, so such a path got Django's HTML 404 page.
    response = api_client.delete(url)

    assert response.status_code == 404
    assert response.json() == {"error": "Not found", "code": "not_found"}


@pytest.mark.django_db
def test_unhandled_error_is_plain_json_500_without_details(api_client, probe_urls):
    api_client.raise_request_exception = False

    response = api_client.get("/api/probe")

    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error", "code": "server_error"}


@pytest.mark.django_db
def test_validation_error_names_first_field_and_flattens_details(api_client, probe_urls):
    response = api_client.post("/api/probe", {"email": "nope", "items": [{"quantity": 0}]}, format="json")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert body["field"] == "email"
    assert body["error"].startswith("email: ")
    assert set(body["details"]) == {"email", "items.0.quantity"}


@pytest.mark.django_db
def test_malformed_json_is_400_in_contract_shape(api_client, probe_urls):
    response = api_client.post("/api/probe", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_domain_error_carries_its_status_code_and_extra_keys(api_client, probe_urls):
    response = api_client.put("/api/probe", {}, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": "Illegal move", "code": "conflict", "allowed": ["paid"]}


@pytest.mark.django_db
def test_method_not_allowed_is_405_in_contract_shape(api_client):
    response = api_client.post("/api/health")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_docs_and_schema_are_served_without_a_cdn(api_client):
    docs = api_client.get("/api/docs/")
    redoc = api_client.get("/api/redoc")
    schema = api_client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert docs.status_code == 200 and redoc.status_code == 200
    for page in (docs, redoc):
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
        assert assets, "the page loads its scripts and styles"
        assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    assert schema.status_code == 200
    assert "/api/health" in schema.json()["paths"]


def test_no_operation_lists_the_http_servers_414():
    # gunicorn answers a request line over 4094 bytes with its own HTML 414 before Django runs: a condition
    # of the server, not of an operation (every error type would become `Error | string`). The fuzzer
    # keeps its URLs under that (fuzz/hooks.py).
    schema = SchemaGenerator().get_schema(request=None, public=True)

    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "414" not in operation["responses"], (method, route)


def test_openapi_schema_validates_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
