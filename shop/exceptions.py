"""The one exception handler: every API error leaves in the contract's shape.

`{"error": message, "code": stable_snake_case, "field"?, "details"?}`
"""

import logging
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from shop.error_codes import ShopErrorCode
from shop.errors import DomainError, InvalidInput, RequestTooLarge

logger = logging.getLogger(__name__)

NON_FIELD_KEYS = {"non_field_errors", "__all__"}
_DJANGO_404 = re.compile(r"^No (\w+) matches the given query\.$")


def error_body(
    message: str, code: str, *, field: str | None = None, details: dict | None = None, extra: dict | None = None
) -> dict:
    """The one place an error body is built.

    `code` is a member of a `shop.error_codes` enum, or the code of a DRF or simplejwt
    exception relayed as it is (their values are listed in `ShopErrorCode` and `AccountErrorCode`).
    """
    body = {"error": message, "code": code}
    if field:
        body["field"] = field
    if details:
        body["details"] = details
    return body | (extra or {})


def domain_error_body(error: DomainError) -> dict:
    return error_body(error.message, error.code, field=error.field, extra=error.extra)


def flatten_details(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into `{"items.0.quantity": ["..."]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            flat.update(flatten_details(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    flat.update(flatten_details(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def validation_error_body(detail) -> dict:
    details = flatten_details(detail)
    first_key, messages = next(iter(details.items()), ("non_field_errors", ["Invalid input."]))
    if first_key in NON_FIELD_KEYS:
        return error_body(messages[0], ShopErrorCode.INVALID, details=details)
    return error_body(f"{first_key}: {messages[0]}", ShopErrorCode.INVALID, field=first_key, details=details)


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        match = _DJANGO_404.match(str(exc))
        return exceptions.NotFound(f"{match.group(1)} not found" if match else "Not found")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def _as_domain_error(exc):
    # Django's request parsing limits: what they refuse is bad input, never a 500.
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return InvalidInput(str(exc))
    # json.loads gives up on JSON nested thousands deep with RecursionError, which no
    # parser catches (they expect ValueError); nothing else here recurses on client data.
    if isinstance(exc, RecursionError):
        return InvalidInput("The JSON is nested too deeply.")
    return exc


def api_exception_handler(exc, context):
    exc = _as_domain_error(exc)
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(domain_error_body(exc), status=exc.status_code)

    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        set_rollback()
        return Response(
            error_body("Internal server error", ShopErrorCode.SERVER_ERROR),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
        return response

    detail = exc.detail
    code = exc.default_code
    if isinstance(detail, dict):
        # simplejwt's token errors: {"detail": ..., "code": ..., "messages": [...]}
        code = str(detail.get("code", code))
        detail = detail.get("detail", next(iter(detail.values()), ""))
    elif hasattr(detail, "code") and detail.code:
        code = detail.code
    response.data = error_body(str(detail), str(code))
    return response
