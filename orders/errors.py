from shop.errors import Conflict, InvalidInput, NotFound


class IllegalStatusTransition(Conflict):
    code = "illegal_status_transition"


class OrderLocked(Conflict):
    """The order's status no longer allows this change (e.g. a customer editing a paid order)."""

    code = "order_locked"


class OrderHasPayments(Conflict):
    code = "order_has_payments"
    default_message = "This order has payments; cancel it instead of deleting it."


class InvalidOrderItem(InvalidInput):
    """An order or cart line names an unknown or disabled product, or a size/color it does not have."""


class AmountTooLarge(InvalidInput):
    """An amount a cart or an order would reach (a line total, a subtotal, a total) is more than its column holds."""

    code = "amount_too_large"


class CartEmpty(InvalidInput):
    code = "cart_empty"
    default_message = "Your cart is empty."


class ProductNotFound(NotFound):
    default_message = "Product not found"
