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
