import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shop.pagination import PagePagination


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", 20), ("?limit=5", 5), ("?limit=1000", 100), ("?limit=0", 1), ("?limit=-3", 1), ("?limit=abc", 20)],
)
def test_limit_defaults_to_20_and_is_clamped(query, expected):
    request = Request(APIRequestFactory().get(f"/api/things{query}"))

    assert PagePagination().get_page_size(request) == expected


def test_page_size_alias_is_read_when_declared():
    class AliasPagination(PagePagination):
        page_size_aliases = ("elements",)

    request = Request(APIRequestFactory().get("/api/things?elements=7"))

    assert AliasPagination().get_page_size(request) == 7
