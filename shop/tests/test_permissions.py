"""Anonymous callers of unsafe methods get 401 (or 405) on every API route, except the public posts.

Routes are read from the URL conf, so routes added later are checked without edits here.
"""

import re._parser as regex_parser  # the stdlib's regex parser: turns a route's regex into a sample path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from shop.views import api_not_found

UNSAFE_METHODS = ("post", "put", "patch", "delete")

# The contract's endpoints that anyone may POST to.
PUBLIC_POSTS = {
    "/api/auth/register",
    "/api/auth/login",
    "/api/auth/refresh",
    "/api/auth/logout",
    "/api/auth/password/reset",
    "/api/auth/password/reset/confirm",
    "/api/auth/email/verify",
    "/api/quote-requests",
    "/api/product-requests",
    "/api/assistant/chat",
    "/api/opnai/chat",
    # Stripe calls it without a user: the Stripe-Signature header is its authentication (400 without).
    "/api/payments/stripe/webhook",
}

_OP = regex_parser._constants if hasattr(regex_parser, "_constants") else regex_parser
_CATEGORY_TESTS = {
    _OP.CATEGORY_DIGIT: str.isdigit,
    _OP.CATEGORY_NOT_DIGIT: lambda char: not char.isdigit(),
    _OP.CATEGORY_WORD: lambda char: char.isalnum() or char == "_",
    _OP.CATEGORY_NOT_WORD: lambda char: not (char.isalnum() or char == "_"),
    _OP.CATEGORY_SPACE: str.isspace,
    _OP.CATEGORY_NOT_SPACE: lambda char: not char.isspace(),
}


def _in_class(char: str, items) -> bool:
    negate = bool(items) and items[0][0] == _OP.NEGATE
    matched = False
    for op, arg in items[1:] if negate else items:
        if op == _OP.LITERAL:
            matched |= ord(char) == arg
        elif op == _OP.RANGE:
            matched |= arg[0] <= ord(char) <= arg[1]
        elif op == _OP.CATEGORY:
            matched |= _CATEGORY_TESTS[arg](char)
    return matched != negate


def _sample(parsed) -> str:
    """A short string the parsed regex matches: "1" where digits go, "x" for words and slugs."""
    out = []
    for op, arg in parsed:
        if op == _OP.LITERAL:
            out.append(chr(arg))
        elif op in (_OP.NOT_LITERAL, _OP.ANY):
            out.append("x" if arg != ord("x") else "y")
        elif op == _OP.IN:
            out.append(next(char for char in "x1a-" if _in_class(char, arg)))
        elif op in (_OP.MAX_REPEAT, _OP.MIN_REPEAT):
            low, _, sub = arg
            out.append(_sample(sub) * low)
        elif op == _OP.SUBPATTERN:
            out.append(_sample(arg[-1]))
        elif op == _OP.BRANCH:
            out.append(_sample(arg[1][0]))
        elif op == _OP.AT:
            continue
        else:
            raise ValueError(f"no sample for regex operation {op}")
    return "".join(out)


def _api_routes():
    def walk(patterns, prefix: str):
        for pattern in patterns:
            sample = prefix + _sample(regex_parser.parse(pattern.pattern.regex.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, sample)
            elif isinstance(pattern, URLPattern) and pattern.callback is not api_not_found:
                yield sample, pattern

    return [(path, pattern) for path, pattern in walk(get_resolver().url_patterns, "/") if path.startswith("/api/")]


API_ROUTES = _api_routes()
CASES = [
    pytest.param(path, pattern, method, id=f"{method.upper()} {path}")
    for path, pattern in API_ROUTES
    for method in UNSAFE_METHODS
    if not (method == "post" and path.rstrip("/") in PUBLIC_POSTS)
]


def test_walker_finds_the_api_routes():
    paths = {path.rstrip("/") for path, _ in API_ROUTES}

    assert {"/api/auth/profile", "/api/auth/users", "/api/auth/users/1", "/api/health"} <= paths


@pytest.mark.parametrize(("path", "pattern"), [(path, pattern) for path, pattern in API_ROUTES], ids=lambda x: str(x))
def test_sample_path_reaches_its_route(path, pattern):
    assert resolve(path).func is pattern.callback, f"{path} does not resolve to the route it was built from"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "pattern", "method"), CASES)
def test_anonymous_unsafe_method_is_refused(path, pattern, method):
    response = getattr(APIClient(), method)(path, {}, format="json")

    assert response.status_code in (401, 405), f"{method.upper()} {path} answered {response.status_code}"
    assert response.json()["code"] in ("not_authenticated", "method_not_allowed")
