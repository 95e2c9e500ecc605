from shop.error_codes import OrderErrorCode
from shop.errors import Conflict, InvalidInput, NotFound


class IllegalStatusTransition(Conflict):
    code = OrderErrorCode.ILLEGAL_STATUS_TRANSITION


class OrderLocked(Conflict):
    """The order's status no longer allows this change (e.g. a customer editing a paid order)."""

    code = OrderErrorCode.ORDER_LOCKED


class OrderHasPayments(Conflict):
    code = OrderErrorCode.ORDER_HAS_PAYMENTS
    default_message = "This order has payments; cancel it instead of deleting it."


class InvalidOrderItem(InvalidInput):
    """An order or cart line names an unknown or disabled product, or a size/color it does not have."""


class AmountTooLarge(InvalidInput):
    """An amount a cart or an order would reach (a line total, a subtotal, a total) is more than its column holds."""

    code = OrderErrorCode.AMOUNT_TOO_LARGE


class CartEmpty(InvalidInput):
    code = OrderErrorCode.CART_EMPTY
    default_message = "Your cart is empty."


class ProductNotFound(NotFound):
    default_message = "Product not found"


class CouponInvalid(InvalidInput):
    """A coupon that cannot be applied now; `reason` (one of COUPON_REASONS) says why, the message in words."""

    code = OrderErrorCode.COUPON_INVALID

    def __init__(self, reason: str, message: str, *, field: str = "code"):
        super().__init__(message, field=field, extra={"reason": reason})
        self.reason = reason


class ShippingMethodRequired(InvalidInput):
    code = OrderErrorCode.SHIPPING_METHOD_REQUIRED
    default_message = "Choose a shipping method: shipping_method_id (see GET /api/shipping-methods?country=)."


class ShippingMethodUnavailable(InvalidInput):
    code = OrderErrorCode.SHIPPING_METHOD_UNAVAILABLE
