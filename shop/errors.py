"""The base of every domain error: a fixed status and code, rendered by the API's one handler.

A subclass sets `status_code` and a `code` that is a member of one of `shop.error_codes`' enums.
"""

from enum import StrEnum

from shop.error_codes import ShopErrorCode


class DomainError(Exception):
    status_code = 400
    code: StrEnum = ShopErrorCode.INVALID
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, field: str | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        self.field = field
        # Keys merged into the error body, e.g. the allowed next statuses of an order.
        self.extra = extra or {}
        super().__init__(self.message)


class Conflict(DomainError):
    status_code = 409
    code = ShopErrorCode.CONFLICT
    default_message = "The request conflicts with the current state."


class NotFound(DomainError):
    status_code = 404
    code = ShopErrorCode.NOT_FOUND
    default_message = "Not found."


class InvalidInput(DomainError):
    status_code = 400
    code = ShopErrorCode.INVALID


class UnknownField(DomainError):
    status_code = 400
    code = ShopErrorCode.UNKNOWN_FIELD
    default_message = "The body has no field this route takes."


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = ShopErrorCode.UNSUPPORTED_MEDIA_TYPE
    default_message = "Unsupported media type."


class FileTooLarge(DomainError):
    status_code = 413
    code = ShopErrorCode.FILE_TOO_LARGE
    default_message = "File too large."


class RequestTooLarge(DomainError):
    status_code = 413
    code = ShopErrorCode.REQUEST_TOO_LARGE
    default_message = "Request body too large."


class UpstreamUnavailable(DomainError):
    status_code = 502
    code = ShopErrorCode.UPSTREAM_ERROR
    default_message = "An outside service failed."


class NotConfigured(DomainError):
    status_code = 501
    code = ShopErrorCode.NOT_CONFIGURED
    default_message = "This feature is not configured."
