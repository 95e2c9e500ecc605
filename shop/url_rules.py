"""The one rule for URLs a client gives the shop to show (images): an absolute http(s) URL or a path on this site."""

import re

# A regex rather than Django's URLValidator: the importer checks a few URLs on each row
# of 100k-row files, and URLValidator costs about thirty times as much per value.
# "//host/..." is refused: a browser reads it as a URL on another site.
SITE_OR_HTTP_URL = re.compile(r"(?:https?://[^\s/?#]+|/(?!/))\S*")
SITE_OR_HTTP_URL_MESSAGE = "Enter an http(s) URL or a path starting with /."


def is_site_or_http_url(value: str) -> bool:
    return SITE_OR_HTTP_URL.fullmatch(value) is not None
