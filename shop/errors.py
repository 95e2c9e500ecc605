"""The base of every domain error: a fixed status and code, rendered by the API's one handler."""


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, field: str | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        self.field = field
        # Keys merged into the error body, e.g. the allowed next statuses of an order.
        self.extra = extra or {}
        super().__init__(self.message)


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = "Not found."


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid"


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    default_message = "Unsupported media type."


class FileTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"
    default_message = "File too large."


class RequestTooLarge(DomainError):
    status_code = 413
    code = "request_too_large"
    default_message = "Request body too large."


class UpstreamUnavailable(DomainError):
    status_code = 502
    code = "upstream_error"
    default_message = "An outside service failed."


class NotConfigured(DomainError):
    status_code = 501
    code = "not_configured"
    default_message = "This feature is not configured."
