from shop.error_codes import WebhookErrorCode
from shop.errors import Conflict, InvalidInput


class WebhookUrlRefused(InvalidInput):
    """Not https, or the host resolves to an address the server must not call (SSRF)."""

    code = WebhookErrorCode.WEBHOOK_URL_REFUSED


class WebhookEndpointInactive(Conflict):
    code = WebhookErrorCode.WEBHOOK_ENDPOINT_INACTIVE
    default_message = "This endpoint is inactive; activate it first."
