from shop.error_codes import CatalogErrorCode
from shop.errors import Conflict


class OutOfStock(Conflict):
    code = CatalogErrorCode.OUT_OF_STOCK
    default_message = "Not enough stock."
