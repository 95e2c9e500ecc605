from shop.errors import Conflict, InvalidInput


class WebhookUrlRefused(InvalidInput):
    """Not https, or the host resolves to an address the server must not call (SSRF)."""

    code = "webhook_url_refused"


class WebhookEndpointInactive(Conflict):
    code = "webhook_endpoint_inactive"
    default_message = "This endpoint is inactive; activate it first."
