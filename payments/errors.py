from shop.errors import Conflict, DomainError, InvalidInput


class AmountNotPositive(InvalidInput):
    code = "amount_not_positive"


class AmountExceedsBalance(InvalidInput):
    code = "amount_exceeds_balance"


class OrderCancelled(Conflict):
    code = "order_cancelled"


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used with a different request."


class IdempotencyRequestInProgress(Conflict):
    code = "idempotency_request_in_progress"
    default_message = "A request with this Idempotency-Key is still being processed; retry later."
