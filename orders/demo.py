"""Demo data of the orders app. At merge, the orders helper's `seed()` calls `demo_requests.seed()` too."""

from orders import demo_requests


def seed() -> str:
    return demo_requests.seed()
