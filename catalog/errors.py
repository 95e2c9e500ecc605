from shop.errors import Conflict, InvalidInput


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = "Not enough stock."


class SearchTooLong(InvalidInput):
    """A search past SEARCH_MAX_LENGTH characters or SEARCH_MAX_TERMS words, which bound what one search costs."""

    code = "search_too_long"
