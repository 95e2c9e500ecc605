"""Where a webhook may be sent: https only, and only to public addresses (no SSRF into our network).

The host is resolved here and the delivery connects to the address checked, not to a
second lookup of the name, so a DNS answer that changes between the check and the
connection cannot point the request inside.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from shop.webhooks.errors import WebhookUrlRefused

DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str
    port: int
    # Path and query, as sent in the request line.
    path: str
    # The checked address the delivery connects to.
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def webhook_url_resolve(url: str) -> WebhookTarget:
    """Check `url` and resolve its host to an address it is safe to send to.

    Raises WebhookUrlRefused (400, field `url`) when the scheme is not https (http too
    with WEBHOOKS_ALLOW_HTTP), the URL carries credentials or no host, the host does not
    resolve, or any address it resolves to is private, loopback, link-local, reserved
    or multicast (allowed with WEBHOOKS_ALLOW_PRIVATE).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as invalid:
        raise WebhookUrlRefused(f"Not a valid URL: {invalid}.", field="url") from invalid
    allowed_schemes = ("https", "http") if settings.WEBHOOKS_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed_schemes:
        raise WebhookUrlRefused("The URL must start with https://.", field="url")
    if not parts.hostname:
        raise WebhookUrlRefused("The URL has no host.", field="url")
    if parts.username or parts.password:
        raise WebhookUrlRefused("The URL must not carry credentials.", field="url")
    port = port or DEFAULT_PORTS[parts.scheme]
    addresses = _addresses_resolve(parts.hostname, port)
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        refused = [str(address) for address in addresses if not _is_public(address)]
        if refused:
            raise WebhookUrlRefused(
                f"{parts.hostname} resolves to an address that is not public ({', '.join(refused)}).", field="url"
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return WebhookTarget(scheme=parts.scheme, host=parts.hostname, port=port, path=path, address=str(addresses[0]))


def _addresses_resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as failed:
        raise WebhookUrlRefused(f"{host} does not resolve.", field="url") from failed
    # The scope of a link-local IPv6 answer ("fe80::1%eth0") is not part of the address.
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
