from shop.errors import Conflict


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = "Not enough stock."
