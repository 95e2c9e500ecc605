"""The OpenAPI schema says what the server does (shop/schema.py), checked against real answers where it can be.

Operations come from the generated schema, so routes added later are checked without edits here.
"""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from conftest import client_for
from shop.error_codes import ERROR_CODE_ENUMS
from shop.tests.test_unknown_fields import objects_with_id_1  # noqa: F401 (a fixture)

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
COMPONENTS = SCHEMA["components"]["schemas"]
OPERATIONS = [
    (path, method, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    if method in ("get", "post", "put", "patch", "delete")
]
GETS = [(path, operation) for path, method, operation in OPERATIONS if method == "get"]
# Read by staff only, so never sent to anyone else (ProductOutputSerializer.optional_output_fields).
STAFF_ONLY_FIELDS = {"cost_price"}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema or "allOf" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema["allOf"][0]
    return schema


def _sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_every_request_and_success_body_has_an_example(path, method, operation):
    bodies = [operation.get("requestBody", {})]
    bodies += [response for status, response in operation["responses"].items() if status.startswith("2")]

    for body in bodies:
        for media_type, media in body.get("content", {}).items():
            assert "example" in media or "examples" in media, (method, path, media_type)


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_errors_are_the_contract_body_and_ids_are_integers(path, method, operation):
    for status, response in operation["responses"].items():
        if int(status) >= 400:
            assert response["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    assert "414" not in operation["responses"]
    assert "429" in operation["responses"] and "Retry-After" in operation["responses"]["429"]["headers"]
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"].endswith("id"):
            assert parameter["schema"]["type"] == "integer", (method, path, parameter["name"])


def test_the_error_code_is_the_registry_enum():
    assert set(COMPONENTS["Error"]["properties"]["code"]["enum"]) == {c.value for e in ERROR_CODE_ENUMS for c in e}


def test_no_request_field_carries_a_default():
    for name, component in COMPONENTS.items():
        if name.endswith("Request"):
            assert all("default" not in field for field in component.get("properties", {}).values()), name


def test_the_legacy_aliases_are_deprecated():
    paths = SCHEMA["paths"]
    deprecated = {
        "/api/opnai/chat": paths["/api/opnai/chat"]["post"].get("deprecated"),
        "/api/products/recommande": paths["/api/products/recommande"]["get"].get("deprecated"),
        "GET /api/auth/logout": paths["/api/auth/logout"]["get"].get("deprecated"),
        "elements": next(p for p in paths["/api/products"]["get"]["parameters"] if p["name"] == "elements").get(
            "deprecated"
        ),
        "utilisateur_id": COMPONENTS["OrderInputRequest"]["properties"]["utilisateur_id"].get("deprecated"),
    }

    assert deprecated == dict.fromkeys(deprecated, True)
    assert not paths["/api/assistant/chat"]["post"].get("deprecated")


@pytest.mark.parametrize(("path", "operation"), GETS, ids=[p for p, _ in GETS])
def test_security_says_whether_an_anonymous_caller_gets_in(objects_with_id_1, path, operation):  # noqa: F811
    response = APIClient().get(_sample(path))

    if response.status_code in (401, 403):
        assert operation.get("security"), f"{path} refuses anonymous callers but documents no security"
    else:
        assert "security" not in operation, f"{path} answers anonymous callers ({response.status_code})"


def _check_required(schema: dict, value, where: str) -> None:
    schema = _resolve(schema)
    if isinstance(value, dict) and "properties" in schema:
        required = set(schema.get("required", []))
        present = set(value) & set(schema["properties"])
        assert required <= set(value), f"{where}: required but not sent: {required - set(value)}"
        assert present - STAFF_ONLY_FIELDS <= required, f"{where}: always sent but optional: {present - required}"
        for name in present:
            _check_required(schema["properties"][name], value[name], f"{where}.{name}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value[:2]):
            _check_required(schema["items"], item, f"{where}[{index}]")


@pytest.mark.parametrize(("path", "operation"), GETS, ids=[p for p, _ in GETS])
def test_fields_sent_in_real_answers_are_required(objects_with_id_1, path, operation):  # noqa: F811
    response = client_for(objects_with_id_1).get(_sample(path))
    documented = operation["responses"].get(str(response.status_code), {}).get("content", {})
    if response.status_code != 200 or "application/json" not in documented:
        pytest.skip(f"{path} answered {response.status_code} {response.get('Content-Type')}")

    _check_required(documented["application/json"]["schema"], response.json(), path)
