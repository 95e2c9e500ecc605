"""HTTP caching of catalog reads (contract Part 2, "HTTP caching of catalog reads").

Every cached answer is stored under the catalog's current *version*, a random token that
`catalog_changed()` replaces on every catalog write, so all cached answers go stale at once
without listing them. The version lives in the default cache, which every process sees
(Redis, or without it the file cache every worker of the host shares); the answers live in
the `catalog` cache (Redis too, or each process's memory: a process missing an answer only
builds it once more).

Anonymous answers are shared (`Cache-Control: public`), and kept until the first of
CATALOG_CACHE_SECONDS and the next start or end of any offer, the moment a discount shown
could change. Signed-in callers are never served a stored answer (staff see cost prices),
their answers are `private`; everyone gets an `ETag` and a 304 when it still matches.
"""

import hashlib
import logging
import math
import time
import uuid
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.renderers import JSONRenderer

from catalog.models import Offer
from shop.throttles import CACHE_ERRORS

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:version"
BOUNDARY_KEY = "catalog:offer-boundary"
# Memoised values stay exact until the version moves; the timeout only bounds the memory they hold.
MEMO_SECONDS = 600
_renderer = JSONRenderer()


def _answers():
    # A deployment may define only the default cache.
    return caches["catalog" if "catalog" in settings.CACHES else "default"]


def _version_new() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        # Unreachable, so nobody is served from it either; the write itself must not fail for it.
        logger.warning("The catalog version could not be moved: the cache is unreachable", exc_info=True)


# Per connection: its list of on-commit callbacks when a version move was last added to it.
_bump_lists: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def catalog_changed() -> None:
    """Make every cached catalog answer stale: now, and again when the current transaction commits.

    Call it from every catalog write (services, admin, import, stock moves). The second move
    matters: a read between the first one and the commit may have cached the rows from before.
    A transaction calling it many times (an import) still moves the version once on commit.
    """
    _version_new()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Autocommit: the write is already visible, and the move above came after it.
        return
    # Django replaces its list of callbacks on commit, on rollback and on a savepoint's rollback
    # (which may have dropped ours): while the list is the same, the move added to it is there.
    if _bump_lists.get(connection) is connection.run_on_commit:
        return
    transaction.on_commit(_version_new)
    _bump_lists[connection] = connection.run_on_commit


def catalog_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never set, or evicted: any new token is safe, since it matches no stored answer.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _next_offer_boundary(version: str, now: float) -> float:
    """The next start or end of any offer (a timestamp; infinity when none): one query once per version.

    An offer's window includes its end, so a discount disappears just after `end_date`.
    """
    stored = _answers().get(BOUNDARY_KEY)
    if stored and stored[0] == version and stored[1] > now:
        return stored[1]
    moment = datetime.fromtimestamp(now, UTC)
    # An offer starting later also ends later (a constraint), so both are among those not ended yet.
    upcoming = Offer.objects.filter(end_date__gte=moment).aggregate(
        next_start=Min("start_date", filter=Q(start_date__gt=moment)), next_end=Min("end_date")
    )
    next_start, next_end = upcoming["next_start"], upcoming["next_end"]
    boundary = min((at.timestamp() for at in (next_start, next_end) if at), default=math.inf)
    _answers().set(BOUNDARY_KEY, (version, boundary), timeout=None)
    return boundary


def catalog_memo(name: str, compute: Callable[[], object]) -> object:
    """`compute()`, remembered until the catalog next changes: for values only catalog writes move (list counts)."""
    try:
        key = "catalog:memo:" + hashlib.blake2b(f"{catalog_version()} {name}".encode()).hexdigest()
        value = _answers().get(key)
    except CACHE_ERRORS:
        logger.warning("Catalog memo skipped: the cache is unreachable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        _answers().set(key, value, timeout=MEMO_SECONDS)
    return value


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _respond(request, *, body: bytes, etag: str, cache_control: str) -> HttpResponse:
    wanted = request.headers.get("If-None-Match")
    if wanted and ("*" in (tags := parse_etags(wanted)) or etag in tags or f"W/{etag}" in tags):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ("Authorization",))
    return response


def catalog_response(request, build: Callable[[], object]) -> HttpResponse:
    """The answer to a catalog GET whose data `build()` returns: cached for anonymous callers, ETag for all."""
    seconds = settings.CATALOG_CACHE_SECONDS
    if request.user.is_authenticated or seconds <= 0:
        body = _renderer.render(build())
        control = "private, no-cache" if request.user.is_authenticated else "no-cache"
        return _respond(request, body=body, etag=_etag(body), cache_control=control)
    now = time.time()
    try:
        version = catalog_version()
        key = "catalog:answer:" + hashlib.blake2b(f"{version} {request.get_full_path()}".encode()).hexdigest()
        stored = _answers().get(key)
    except CACHE_ERRORS:
        logger.warning("Catalog answer built uncached: the cache is unreachable", exc_info=True)
        body = _renderer.render(build())
        return _respond(request, body=body, etag=_etag(body), cache_control="no-cache")
    if stored is None or stored[2] <= now:
        body = _renderer.render(build())
        expires_at = min(now + seconds, _next_offer_boundary(version, now))
        stored = (body, _etag(body), expires_at)
        if expires_at > now:
            _answers().set(key, stored, timeout=math.ceil(expires_at - now))
    body, etag, expires_at = stored
    max_age = max(int(expires_at - now), 0)
    return _respond(request, body=body, etag=etag, cache_control=f"public, max-age={max_age}")


def catalog_cached(handler):
    """Decorate a catalog viewset's GET action: its Response's data is served through `catalog_response`."""

    @wraps(handler)
    def cached(view, request, *args, **kwargs):
        return catalog_response(request, lambda: handler(view, request, *args, **kwargs).data)

    return cached
