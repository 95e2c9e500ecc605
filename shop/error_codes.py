"""Every `code` an API error body can carry, one enum per domain (as Saleor's `error_codes.py`).

A `DomainError` subclass takes its `code` from here, and so does every error body built
outside a DomainError; no code is a bare string elsewhere. The values are the contract:
clients branch on them, so a value never changes once released.
"""

from enum import StrEnum


class ShopErrorCode(StrEnum):
    """Codes any endpoint may answer, including the ones the handler relays from DRF's exceptions."""

    INVALID = "invalid"
    # A write body with a field the route does not take, or a PATCH with no field at all.
    UNKNOWN_FIELD = "unknown_field"
    PARSE_ERROR = "parse_error"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    CONFLICT = "conflict"
    FILE_TOO_LARGE = "file_too_large"
    ACTIVE_CONTENT = "active_content"
    REQUEST_TOO_LARGE = "request_too_large"
    UPSTREAM_ERROR = "upstream_error"
    NOT_CONFIGURED = "not_configured"
    SERVER_ERROR = "server_error"


class AccountErrorCode(StrEnum):
    EMAIL_TAKEN = "email_taken"
    INVALID_CREDENTIALS = "invalid_credentials"
    ACCOUNT_DISABLED = "account_disabled"
    # The value simplejwt gives its own token errors, which the handler relays as they are.
    TOKEN_NOT_VALID = "token_not_valid"
    TOKEN_REUSED = "token_reused"
    WRONG_PASSWORD = "wrong_password"
    SIGN_IN_UNAVAILABLE = "sign_in_unavailable"
    LINK_INVALID = "link_invalid"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    ADDRESS_BOOK_FULL = "address_book_full"


class CatalogErrorCode(StrEnum):
    OUT_OF_STOCK = "out_of_stock"
    STOCK_CHANGED = "stock_changed"
    SEARCH_TOO_LONG = "search_too_long"


class OrderErrorCode(StrEnum):
    ILLEGAL_STATUS_TRANSITION = "illegal_status_transition"
    ORDER_LOCKED = "order_locked"
    ORDER_HAS_PAYMENTS = "order_has_payments"
    CART_EMPTY = "cart_empty"
    AMOUNT_TOO_LARGE = "amount_too_large"
    COUPON_INVALID = "coupon_invalid"
    SHIPPING_METHOD_REQUIRED = "shipping_method_required"
    SHIPPING_METHOD_UNAVAILABLE = "shipping_method_unavailable"


class PaymentErrorCode(StrEnum):
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_EXCEEDS_BALANCE = "amount_exceeds_balance"
    ORDER_CANCELLED = "order_cancelled"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_REQUEST_IN_PROGRESS = "idempotency_request_in_progress"
    ORDER_NOT_PAYABLE = "order_not_payable"
    WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"


class AssistantErrorCode(StrEnum):
    UPSTREAM_TIMEOUT = "upstream_timeout"


class WebhookErrorCode(StrEnum):
    WEBHOOK_URL_REFUSED = "webhook_url_refused"
    WEBHOOK_ENDPOINT_INACTIVE = "webhook_endpoint_inactive"


class JobErrorCode(StrEnum):
    JOB_FILE_NOT_READY = "job_file_not_ready"


ERROR_CODE_ENUMS = (
    ShopErrorCode,
    AccountErrorCode,
    CatalogErrorCode,
    OrderErrorCode,
    PaymentErrorCode,
    AssistantErrorCode,
    WebhookErrorCode,
    JobErrorCode,
)
