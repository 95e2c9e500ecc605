"""Which URLs an outside media service may hand back for the shop to store and serve.

A URL from the provider's answer is stored and later served to every visitor: a
`javascript:` URL, or one on another host (a compromised account, a proxy in the
middle, a misconfigured API host), would then run in or send them anywhere.
"""

from urllib.parse import urlsplit

from django.conf import settings


def provider_url_allowed(url: object, *, schemes: tuple[str, ...] = ("https",)) -> bool:
    """True when `url` is an absolute URL with one of `schemes` on a host of `CLOUDINARY_DELIVERY_HOSTS`."""
    if not isinstance(url, str) or any(character.isspace() or ord(character) < 32 for character in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in schemes and host is not None and host in settings.CLOUDINARY_DELIVERY_HOSTS
