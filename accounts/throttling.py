"""Throttles of the sign-in endpoints.

Like those of shop/throttles.py they read the rates on each request, so a changed
setting (an operator's environment, a test's override) applies without a restart.
Counters live in the default cache: with `REDIS_URL` set they are shared by every app
server.
"""

import contextlib
import hashlib
import logging
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from accounts.errors import SignInUnavailable
from accounts.models import normalize_email
from shop.throttles import CACHE_ERRORS, SettingsRateThrottle

logger = logging.getLogger(__name__)

LOGIN_SCOPE = "login"
PASSWORD_RESET_SCOPE = "password_reset"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _login_failure_limit() -> tuple[int, int]:
    """(failures allowed, window in seconds) from the `login` rate, e.g. "10/min"."""
    number, period = api_settings.DEFAULT_THROTTLE_RATES[LOGIN_SCOPE].split("/")
    return int(number), _PERIODS[period[0]]


def _failure_keys(*, email: str, client_ip: str | None, window: int) -> list[str]:
    # Fixed windows: a key per period, so the counter needs only atomic add/incr,
    # which every cache backend (Redis included) provides.
    bucket = int(time.time() // window)
    keys = [f"login-failures:ip:{client_ip}:{bucket}"] if client_ip else []
    if email:
        digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        keys.append(f"login-failures:email:{digest}:{bucket}")
    return keys


def _increment(key: str, *, window: int) -> int:
    # add() is a no-op when the key exists; incr() is atomic in Redis and locmem.
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this one opens the next window.
        cache.add(key, 1, timeout=window)
        return 1


@contextlib.contextmanager
def _cache_lost_logged(action: str):
    # Only the check before a password is read fails closed; once the answer is decided,
    # a cache that went away since must not turn it into a 500.
    try:
        yield
    except CACHE_ERRORS:
        logger.warning("Sign-in counter: could not %s, the cache is unreachable", action, exc_info=True)


def _decrement(keys: list[str]) -> None:
    with _cache_lost_logged("give back an attempt"):
        for key in keys:
            # A key may be gone with its window, or forgiven by a successful sign-in.
            with contextlib.suppress(ValueError):
                cache.decr(key)


def login_failure_record(*, email: str, client_ip: str | None) -> None:
    """Count one failed sign-in against the client's address and against the email."""
    _, window = _login_failure_limit()
    with _cache_lost_logged("count a failure"):
        for key in _failure_keys(email=email, client_ip=client_ip, window=window):
            _increment(key, window=window)


def login_failures_clear(*, email: str) -> None:
    """Forget the failures of an email after a successful sign-in (never those of an address)."""
    _, window = _login_failure_limit()
    with _cache_lost_logged("clear the failures"):
        cache.delete_many(_failure_keys(email=email, client_ip=None, window=window))


def client_ip(request) -> str | None:
    """The client's address as the throttles see it (honours `NUM_PROXIES`)."""
    return BaseThrottle().get_ident(request)


class LoginFailureThrottle(BaseThrottle):
    """Refuses password checks once the address or the email has used up its failures in the current window.

    The email is the one posted to sign in, or the signed-in user's for a password
    change, so a stolen access token cannot be used to guess the password either.

    A request holds a slot in the counters while its password is checked, taken with
    one atomic increment: reading the counters and recording failures later would let
    every guess sent at once, through any number of servers, pass before the first
    failure lands. The view gives the slot back with `login_attempt_release`; a failure
    is then counted by `login_failure_record`.

    When the cache cannot be reached it fails closed: 503 `sign_in_unavailable`.
    """

    def __init__(self):
        self._wait = None

    def allow_request(self, request, view):
        limit, window = _login_failure_limit()
        if request.user and request.user.is_authenticated:
            email = request.user.email
        else:
            email = request.data.get("email") if hasattr(request.data, "get") else None
        keys = _failure_keys(email=email if isinstance(email, str) else "", client_ip=client_ip(request), window=window)
        held = []
        try:
            for key in keys:
                held.append(key)
                if _increment(key, window=window) > limit:
                    _decrement(held)
                    self._wait = window - time.time() % window
                    return False
        except CACHE_ERRORS:
            # Fail closed: a password checked without counting would let guessing run unlimited.
            logger.error("Sign-in refused: the failed-sign-in counter's cache is unreachable", exc_info=True)
            _decrement(held[:-1])
            raise SignInUnavailable() from None
        request.login_attempt_keys = held
        return True

    def wait(self):
        return self._wait


class CurrentPasswordThrottle(LoginFailureThrottle):
    """`LoginFailureThrottle` for account edits, which check a password only when `current_password` is sent."""

    def allow_request(self, request, view):
        if not (hasattr(request.data, "get") and request.data.get("current_password") is not None):
            return True
        return super().allow_request(request, view)


def login_attempt_release(request) -> None:
    """Give back the slot `LoginFailureThrottle` took for this request, once its answer is decided."""
    _decrement(getattr(request, "login_attempt_keys", []))
    request.login_attempt_keys = []


class ReleasesLoginAttempt:
    """For views throttled by `LoginFailureThrottle`: every answer, error or not, gives the slot back."""

    def finalize_response(self, request, response, *args, **kwargs):
        login_attempt_release(request)
        return super().finalize_response(request, response, *args, **kwargs)


class PasswordResetThrottle(SettingsRateThrottle):
    """Reset requests per client address: `THROTTLE_PASSWORD_RESET`."""

    scope = PASSWORD_RESET_SCOPE


class PasswordResetEmailThrottle(PasswordResetThrottle):
    """Reset requests per email, whoever sends them: `THROTTLE_PASSWORD_RESET`.

    Keyed on the email whether or not an account has it, so being throttled tells nothing
    about the account, and nobody can flood one mailbox with reset links from many addresses.
    """

    def get_cache_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        return self.cache_format % {"scope": f"{self.scope}-email", "ident": digest}
