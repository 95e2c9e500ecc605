from shop.errors import Conflict


class IllegalStatusTransition(Conflict):
    code = "illegal_status_transition"
