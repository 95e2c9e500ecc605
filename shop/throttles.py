"""Abuse limits shared by the apps (OWASP API4: unrestricted resource consumption).

The rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (environment variables
`THROTTLE_*`). DRF's throttles copy that dict when they are imported; these read it
on each request, so an operator's setting or a test's override applies as is.
Counters live in the default cache: with `REDIS_URL` set every app server shares them.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle


class _RatesFromSettings:
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES


class SettingsScopedRateThrottle(_RatesFromSettings, ScopedRateThrottle):
    """The view's `throttle_scope`, per signed-in user, else per client address."""


class SettingsRateThrottle(_RatesFromSettings, UserRateThrottle):
    """Counts per signed-in user, else per client address (`NUM_PROXIES` aware), under the class's `scope`."""


class OrdersThrottle(SettingsRateThrottle):
    """Orders placed per user: `THROTTLE_ORDERS`. POST /api/orders and /api/cart/checkout share one counter."""

    scope = "orders"


class AssistantThrottle(SettingsRateThrottle):
    """Chat turns per user, or per address when anonymous: `THROTTLE_ASSISTANT`. Each one costs a model call."""

    scope = "assistant"


class PublicRequestThrottle(SettingsRateThrottle):
    """Visitors' quote and product requests, per user or per address: `THROTTLE_PUBLIC_REQUEST`."""

    scope = "public_request"
