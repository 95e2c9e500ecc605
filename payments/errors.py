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
