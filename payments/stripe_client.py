"""Stripe through its official client: configuration, minor units, and the errors callers see.

`stripe_client()` builds a `StripeClient` from the settings (`STRIPE_API_BASE` points it at another
host, a local fake in tests). Failures of Stripe itself (5xx, timeouts, refused connections)
become UpstreamUnavailable (502); a missing key NotConfigured (501).
"""

from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings

from shop.errors import NotConfigured, UpstreamUnavailable

# Currencies Stripe takes in whole units (no cents); every other one of ours has two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
CENT = Decimal("0.01")


def _exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """`Decimal("12.34")` USD → 1234 (half-up to the currency's smallest unit)."""
    scale = Decimal(10) ** _exponent(currency)
    return int((amount * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    """1234 USD → `Decimal("12.34")`."""
    return (Decimal(amount) / (Decimal(10) ** _exponent(currency))).quantize(CENT)


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account; NotConfigured (501) without STRIPE_SECRET_KEY."""
    if not settings.STRIPE_SECRET_KEY:
        raise NotConfigured("Card payments are not configured (STRIPE_SECRET_KEY).")
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


@contextmanager
def stripe_errors():
    """Turn any failure of a call to Stripe (5xx, timeout, refusal) into UpstreamUnavailable (502).

    Whatever Stripe refused, the client can do nothing about it; staff see the cause in the log.
    """
    try:
        yield
    except stripe.StripeError as error:
        raise stripe_unavailable(error) from error


def stripe_unavailable(error: stripe.StripeError) -> UpstreamUnavailable:
    """The 502 for a call Stripe refused or failed (it did nothing, so nothing of ours was kept)."""
    return UpstreamUnavailable(
        f"The payment provider failed ({type(error).__name__}); nothing was recorded, try again."
    )


def webhook_event_verify(*, payload: bytes, signature: str | None) -> stripe.Event:
    """The event in `payload` if `signature` is Stripe's over it, made less than 5 minutes ago.

    Raises NotConfigured without STRIPE_WEBHOOK_SECRET, stripe.SignatureVerificationError or
    ValueError (not JSON) otherwise.
    """
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise NotConfigured("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).")
    return stripe.Webhook.construct_event(payload, signature or "", settings.STRIPE_WEBHOOK_SECRET, tolerance=300)
