"""The OpenAPI schema true to the server, derived from the views so that a new route complies without edits.

`ShopAutoSchema` (DEFAULT_SCHEMA_CLASS) works per operation, from the view:
- security: none when an anonymous caller passes the view's permission classes (a public GET), else the bearer;
- error responses: the statuses the operation can return, from what it has (a body → 400, 413, 415; a path id
  or a page → 404; not public → 403; a write → 409), plus those its view declares with `errors(...)` in
  `@extend_schema(responses=...)`; every one the contract's error body with the registry's code enum;
- response headers: `Retry-After` on 429, `Idempotent-Replayed` where `Idempotency-Key` is taken, and any a
  view declares with `OpenApiParameter(..., OpenApiParameter.HEADER, response=[...])` (`ETag`, `Location`);
- response fields required unless the serializer may leave them out (`optional_output_fields`), and request
  bodies whose defaults are told in words (generators make a field with a default required, and a client
  filling defaults into a PATCH would, say, publish a draft blog post);
- operation ids without the method suffix where the path has one operation (`auth_login`, `cart_checkout`);
- deprecated: what is documented as an "Alias of ..." (operation, parameter or field) or `deprecated_alias_of`.

The postprocessing hooks then make path ids integers and give every request and success body an example
generated from its schema, unless the view wrote one.
"""

import json
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from shop.error_codes import ERROR_CODE_ENUMS

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "code": {
            "type": "string",
            "enum": sorted({code.value for enum in ERROR_CODE_ENUMS for code in enum}),
            "description": "Stable: branch on it (`shop/error_codes.py`).",
        },
        "field": {"type": "string"},
        "details": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["error", "code"],
}
ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

ERROR_STATUSES = {
    400: "Invalid input",
    401: "Not authenticated, or the access token is not valid",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Request or file too large",
    415: "Unsupported media type",
    429: "Throttled: retry after `Retry-After` seconds",
    500: "Server error",
    501: "Not configured on this server",
    502: "An outside service failed",
    503: "Unavailable",
}

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}
IDEMPOTENT_REPLAYED = {
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present when this is the first answer to the same Idempotency-Key, replayed.",
    }
}

# Query parameters that cannot make a request invalid: a bad page is a 404, a bad limit is clamped.
PAGE_PARAMETERS = {"page", "limit", "elements"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def errors(*statuses: int) -> dict:
    """The error responses a view declares beyond the derived ones: `responses={201: Out, **errors(409)}`."""
    return {status: OpenApiResponse(description=ERROR_STATUSES[status]) for status in statuses}


class ShopAutoSchema(AutoSchema):
    def get_auth(self):
        if self._anonymous_allowed():
            return []
        return [requirement for requirement in super().get_auth() if requirement]

    def _anonymous_allowed(self) -> bool:
        anonymous = SimpleNamespace(
            user=AnonymousUser(), auth=None, method=self.method, data={}, query_params={}, GET={}, META={}
        )
        try:
            return all(permission.has_permission(anonymous, self.view) for permission in self.view.get_permissions())
        except Exception:  # a permission that needs more of a request than this one has is not public
            return False

    def is_deprecated(self):
        return (
            super().is_deprecated()
            or bool(getattr(self.view, "deprecated_alias_of", None))
            or (self.get_description() or "").startswith("Alias of")
        )

    def get_description(self):
        alias_of = getattr(self.view, "deprecated_alias_of", None)
        if alias_of:
            return f"Alias of `{alias_of}`, kept for the storefront's original path; use `{alias_of}`."
        return super().get_description()

    def get_tags(self):
        alias_of = getattr(self.view, "deprecated_alias_of", None)
        if alias_of:
            return [alias_of.removeprefix("/api/").split("/")[0]]
        return super().get_tags()

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        suffix = "_" + self.method_mapping[self.method.lower()]
        standard_actions = {"list", "retrieve", "create", "update", "partial_update", "destroy"}
        if getattr(self.view, "action", None) in standard_actions or len(self._path_methods()) > 1:
            return operation_id
        operation_id = operation_id.removesuffix(suffix).removesuffix("_list")
        if getattr(self.view, "deprecated_alias_of", None):
            return f"{operation_id}_alias"
        return operation_id

    def _path_methods(self) -> set[str]:
        actions = getattr(self.view, "action_map", None)
        if actions is not None:
            return set(actions)
        return {method for method in self.view.http_method_names if method != "options" and hasattr(self.view, method)}

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        if "requestBody" in operation:
            # A write always sends its body: a PATCH with no field is a 400 unknown_field.
            operation["requestBody"]["required"] = True
            self._describe_multipart_variant(operation)
        responses = operation["responses"]
        for status in self._error_statuses(operation):
            responses.setdefault(str(status), {"description": ERROR_STATUSES[status]})
        for status, response in responses.items():
            if int(status) >= 400:
                response["content"] = ERROR_REF
        responses["429"].setdefault("headers", {}).update(RETRY_AFTER)
        if any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", [])):
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(IDEMPOTENT_REPLAYED)
        return operation

    def _describe_multipart_variant(self, operation) -> None:
        """A body taken as JSON or as multipart (files beside a `data` JSON part) documents the JSON one.

        Generators cannot take two body types for one operation (openapi-python-client writes modules that
        fail to import, issue #1276), so the multipart parts are told in the description, from their schema.
        """
        content = operation["requestBody"]["content"]
        if "application/json" not in content or "multipart/form-data" not in content:
            return
        multipart = content.pop("multipart/form-data")["schema"]
        schema = (
            self.registry[(multipart["$ref"].rsplit("/", 1)[1], "schemas")].schema if "$ref" in multipart else multipart
        )
        parts = ", ".join(
            f"`{name}`" + (" (files)" if "binary" in str(part) else "") for name, part in schema["properties"].items()
        )
        note = f"Also takes `multipart/form-data` with the parts {parts}: `data` is this JSON body as a string."
        operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()

    def _error_statuses(self, operation) -> set[str]:
        statuses = {401, 429, 500}
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "requestBody" in operation:
            statuses |= {400, 413, 415}
        if query - PAGE_PARAMETERS:
            statuses.add(400)
        if "{" in self.path or query & PAGE_PARAMETERS or self._body_names_an_object(operation):
            statuses.add(404)
        if "security" in operation:
            statuses.add(403)
        if self.method in WRITE_METHODS:
            statuses.add(409)
        return statuses

    def _body_names_an_object(self, operation) -> bool:
        """A body with an id (`product_id`, `category_ids`) is a 404 when no such object is there."""
        for media in operation.get("requestBody", {}).get("content", {}).values():
            schema = media["schema"]
            if "$ref" in schema:
                schema = self.registry[(schema["$ref"].rsplit("/", 1)[1], "schemas")].schema
            if any(name.endswith(("_id", "_ids")) for name in schema.get("properties", {})):
                return True
        return False

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        properties = schema.get("properties", {})
        if direction == "response":
            optional = set(getattr(serializer, "optional_output_fields", ()))
            required = [name for name in properties if name not in optional]
            if required:
                schema["required"] = required
        else:
            # Type generators make a field with a `default` required (openapi-typescript), and a client
            # that fills defaults into a PATCH would reset what it did not mean to (publish a draft post).
            # The server applies its defaults itself, so the body says them in words.
            partial = getattr(serializer, "partial", False)
            for field in properties.values():
                if "default" in field:
                    default = field.pop("default")
                    if not partial:
                        note = f"Default: `{json.dumps(default)}`."
                        field["description"] = f"{field.get('description', '')} {note}".strip()
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema and (field.help_text or "").startswith("Alias of"):
            schema["deprecated"] = True
        # A nullable nested object: OpenAPI 3.0 validators want a type beside `nullable`, and
        # generators read `allOf` + `nullable` as never null (openapi-python-client then crashes on
        # a null). "The object, or a null object" satisfies both.
        if schema and schema.get("nullable") and "allOf" in schema and "type" not in schema:
            schema.pop("nullable")
            schema["oneOf"] = [*schema.pop("allOf"), {"type": "object", "nullable": True, "enum": [None]}]
        return schema


def drop_optional_slash_duplicates(endpoints):
    """Routes match `/?`; document each once, without the trailing slash, and only under /api/."""
    seen = set()
    cleaned = []
    for path, path_regex, method, callback in endpoints:
        if not path.startswith("/api/"):
            continue
        path = path.replace("/?", "").rstrip("/")
        if (path, method) in seen:
            continue
        seen.add((path, method))
        cleaned.append((path, path_regex, method, callback))
    return cleaned


def _operations(result):
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield operation


def add_error_schema(result, generator, request, public):
    """The one error body, its code enumerated from the registry; ids in paths are integers (the contract)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operation in _operations(result):
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "path" and (name in ("id", "pk") or name.endswith("_id")):
                parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter.get("description", "").startswith("Alias of"):
                parameter["deprecated"] = True
    return result


def add_examples(result, generator, request, public):
    """An example for every request body and success body that has none, built from its schema."""
    schemas = result.get("components", {}).get("schemas", {})
    for operation in _operations(result):
        bodies = [operation.get("requestBody", {})]
        bodies += [response for status, response in operation["responses"].items() if status.startswith("2")]
        for body in bodies:
            for media in body.get("content", {}).values():
                if "schema" in media and "example" not in media and "examples" not in media:
                    media["example"] = example_of(media["schema"], schemas)
    return result


_STRING_FORMATS = {
    "email": "ada@example.com",
    "date-time": "2026-11-30T12:00:00Z",
    "date": "2026-11-30",
    "uri": "https://shop.example.com/media/products/tee.png",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "decimal": "19.99",
    "binary": "(file contents)",
    "password": "correct-horse-battery",
}


def example_of(schema: dict, schemas: dict, *, name: str = "", depth: int = 0):
    if "$ref" in schema:
        return example_of(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas, name=name, depth=depth)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            return example_of(schema[combined][0], schemas, name=name, depth=depth)
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        if "GB" in schema["enum"]:
            return "GB"
        return next((value for value in schema["enum"] if value not in (None, "")), schema["enum"][0])
    kind = schema.get("type", "object")
    if kind == "object":
        if depth > 4:
            return {}
        return {
            key: example_of(value, schemas, name=key, depth=depth + 1)
            for key, value in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example_of(schema.get("items", {}), schemas, name=name, depth=depth + 1)] if depth <= 4 else []
    if kind == "integer":
        value = max(schema.get("minimum", 1), 1)
        return min(value, schema.get("maximum", value))
    if kind == "number":
        return schema.get("minimum", 4.5)
    if kind == "boolean":
        return False
    if schema.get("format") in _STRING_FORMATS:
        return _STRING_FORMATS[schema["format"]]
    if "pattern" in schema and "\\d" in schema["pattern"] and "." in schema["pattern"]:
        return "19.99"
    return _string_example(name, schema)


def _string_example(name: str, schema: dict) -> str:
    known = {
        "full_name": "Ada Lovelace",
        "image": "https://shop.example.com/media/products/linen-shirt.png",
        "color": "blue",
        "size": "M",
        "material": "linen",
        "sku": "LIN-001",
        "city": "London",
        "address": "1 Analytical Way",
        "description": "A light linen shirt.",
        "comment": "Fits well.",
        "email": "ada@example.com",
        "password": "correct-horse-battery",
        "slug": "linen-shirt",
        "name": "Linen shirt",
        "url": "https://shop.example.com/hooks/orders",
        "country": "GB",
        "phone": "+44 20 7946 0000",
        "postal_code": "N1 9GU",
        "currency": "USD",
    }
    for key, value in known.items():
        if key in name:
            return value
    value = name.replace("_", " ").capitalize() or "Text"
    return value[: schema.get("maxLength", len(value))] if schema.get("maxLength") else value
