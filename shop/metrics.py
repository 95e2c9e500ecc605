"""Prometheus metrics: django-prometheus times every request by route name and counts statuses;
these add what the shop cares about. Scraped at /metrics by staff or with METRICS_TOKEN."""

import hmac

from django.conf import settings
from django.http import HttpResponse
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter

STOCK_CONFLICTS = Counter(
    "shop_stock_conflicts_total", "Stock reservations refused because a product had fewer units than asked (409)."
)
THROTTLED = Counter(
    "shop_throttled_requests_total",
    "Requests refused with 429: API throttles and admin sign-in lockouts, by route name.",
    ["route"],
)


class ThrottleCountMiddleware:
    """Counts the 429s, whichever throttle or lockout answered them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429:
            match = getattr(request, "resolver_match", None)
            THROTTLED.labels(route=(match.view_name if match else None) or "<unnamed>").inc()
        return response


def _bearer_matches(request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(settings.METRICS_TOKEN)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.encode(), settings.METRICS_TOKEN.encode())
    )


def metrics_view(request):
    """The metrics, for a signed-in staff member (admin session) or a scraper sending METRICS_TOKEN."""
    if not (request.user.is_active and request.user.is_staff) and not _bearer_matches(request):
        response = HttpResponse("Metrics need a staff session or the METRICS_TOKEN bearer.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    return ExportToDjangoView(request)
