from shop.error_codes import PaymentErrorCode
from shop.errors import Conflict, DomainError, InvalidInput


class AmountNotPositive(InvalidInput):
    code = PaymentErrorCode.AMOUNT_NOT_POSITIVE


class AmountExceedsBalance(InvalidInput):
    code = PaymentErrorCode.AMOUNT_EXCEEDS_BALANCE


class OrderCancelled(Conflict):
    code = PaymentErrorCode.ORDER_CANCELLED


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = PaymentErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = "This Idempotency-Key was already used with a different request."


class IdempotencyRequestInProgress(Conflict):
    code = PaymentErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS
    default_message = "A request with this Idempotency-Key is still being processed; retry later."


class OrderNotPayable(Conflict):
    code = PaymentErrorCode.ORDER_NOT_PAYABLE


class WebhookSignatureInvalid(InvalidInput):
    code = PaymentErrorCode.WEBHOOK_SIGNATURE_INVALID
    default_message = "The Stripe-Signature header is missing, wrong or too old."


class RefundExceedsPaid(InvalidInput):
    code = PaymentErrorCode.REFUND_EXCEEDS_PAID
