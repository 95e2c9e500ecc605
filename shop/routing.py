"""How API routes are declared: every one answers with and without a trailing slash."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter


class ShopRouter(SimpleRouter):
    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


def api_route(route: str, view, name: str):
    """A plain (non-router) API route; `route` is a regex without anchors or slash."""
    return re_path(rf"^{route}/?$", view, name=name)
