"""Error tracking with sentry-sdk, scrubbed like the JSON logs: no personal data, no credentials."""

from urllib.parse import urlsplit, urlunsplit

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from shop.jsonlog import redact


def _scrubbed(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def scrub(event, hint):
    """Masks query values of secret-looking keys as the request log does, then any bearer token or
    JWT anywhere in the event (an exception message, a local variable, a breadcrumb)."""
    # Imported here: this module loads with the settings, before the apps that the middleware needs.
    from shop.middleware import logged_query

    request = event.get("request") or {}
    if request.get("query_string"):
        request["query_string"] = logged_query(request["query_string"])
    if request.get("url"):
        parts = urlsplit(request["url"])
        request["url"] = urlunsplit(parts._replace(query=logged_query(parts.query)))
    return _scrubbed(event)


def sentry_start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        # No user emails, addresses, cookies or headers that identify; no request bodies at all.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub,
        before_send_transaction=scrub,
    )
