"""Abuse limits shared by the apps (OWASP API4: unrestricted resource consumption).

The rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (environment variables
`THROTTLE_*`). DRF's throttles copy that dict when they are imported; these read it
on each request, so an operator's setting or a test's override applies as is.
Counters live in the default cache: with `REDIS_URL` set every app server shares them.
When that cache cannot be reached they let requests through and log it (fail open);
only the sign-in counter of accounts/throttling.py fails closed.
"""

import logging

from django.db import DatabaseError
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is gone: Redis, or the file or database caches.
CACHE_ERRORS = (RedisError, OSError, DatabaseError)


class _RatesFromSettings:
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES


class _FailsOpen:
    """An unreachable cache lets the request through (logged) rather than take the whole API down with it."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("Throttle %s let a request through: the cache is unreachable", self.scope, exc_info=True)
            return True


class SettingsAnonRateThrottle(_FailsOpen, _RatesFromSettings, AnonRateThrottle):
    """Anonymous requests per client address: `THROTTLE_ANON` (a default throttle of every view)."""


class SettingsUserRateThrottle(_FailsOpen, _RatesFromSettings, UserRateThrottle):
    """Requests per signed-in user: `THROTTLE_USER` (a default throttle of every view)."""


class SettingsScopedRateThrottle(_FailsOpen, _RatesFromSettings, ScopedRateThrottle):
    """The view's `throttle_scope`, per signed-in user, else per client address."""


class SettingsRateThrottle(_FailsOpen, _RatesFromSettings, UserRateThrottle):
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
