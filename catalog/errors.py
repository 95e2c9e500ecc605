from shop.error_codes import CatalogErrorCode
from shop.errors import Conflict, InvalidInput


class OutOfStock(Conflict):
    code = CatalogErrorCode.OUT_OF_STOCK
    default_message = "Not enough stock."


class SearchTooLong(InvalidInput):
    """A search past SEARCH_MAX_LENGTH characters or SEARCH_MAX_TERMS words, which bound what one search costs."""

    code = CatalogErrorCode.SEARCH_TOO_LONG


class StockChanged(Conflict):
    """A counted stock was sent with the value the caller read, and the stock has moved since."""

    code = CatalogErrorCode.STOCK_CHANGED
    default_message = "The stock changed since you read it."
