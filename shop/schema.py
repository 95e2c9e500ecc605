"""drf-spectacular hooks: one path per route and the contract's error shape on every operation."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string"},
        "details": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["error", "code"],
}

ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found",
    "405": "Method not allowed",
    "409": "Conflict",
    "413": "Request or file too large",
    "415": "Unsupported media type",
    "429": "Throttled",
    "500": "Server error",
}


# Answered by the HTTP server in front of Django (gunicorn above 4094 bytes of request line, nginx above
# 8k) before any view runs, so in its own HTML rather than the JSON error body.
URI_TOO_LONG = {
    "description": "Request line (path and query string) too long for the HTTP server; not JSON",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


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


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": error_ref})
            responses.setdefault("414", URI_TOO_LONG)
    return result
