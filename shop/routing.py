"""How API routes are declared: every one answers with and without a trailing slash."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

# A database id in a path: ASCII digits, no more than a BIGINT holds. `\d+` also takes
# Unicode digits and numbers longer than int() converts (4,300 digits), each a 500.
ID_REGEX = r"[0-9]{1,19}"


class ShopRouter(SimpleRouter):
    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        # Viewsets declare their ids as `\d+`; any longer id is no route at all (the JSON 404).
        return super().get_lookup_regex(viewset, lookup_prefix).replace(r"\d+", ID_REGEX)


def api_route(route: str, view, name: str):
    """A plain (non-router) API route; `route` is a regex without anchors or slash."""
    return re_path(rf"^{route}/?$", view, name=name)
