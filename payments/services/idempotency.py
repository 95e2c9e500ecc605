"""`Idempotency-Key` handling: a retried request returns the first response instead of running twice.

The key row is claimed in its own short transaction before the request runs, so the
unique (user, key) constraint decides which of two simultaneous requests runs. The
winner's work and its stored response commit together: a request that dies halfway
leaves nothing done, and its claim can be taken over once it is stale.
"""

import hashlib
import json
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from payments.errors import IdempotencyKeyReused, IdempotencyRequestInProgress
from payments.models import IdempotencyKey
from shop.errors import DomainError, UpstreamUnavailable
from shop.exceptions import domain_error_body

# The contract keeps keys at least 24 hours.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
# A claim older than this belongs to a request that died without releasing it.
IDEMPOTENCY_LOCK_TIMEOUT = timedelta(seconds=60)


@dataclass(frozen=True)
class IdempotentResponse:
    status: int
    body: dict
    replayed: bool


def request_fingerprint(*, method: str, path: str, payload: dict) -> str:
    """SHA-256 of the request as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(
        {"method": method, "path": path, "body": payload}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def request_key_digest(*, user: User, key: str | None, request_hash: str) -> str | None:
    """A stable name for one request of `user` (its key and body), for services whose work must survive
    a retry of a request that died halfway (None without a key)."""
    if key is None:
        return None
    return hashlib.sha256(f"{user.pk}\n{key}\n{request_hash}".encode()).hexdigest()


def idempotency_key_claim(*, user: User, key: str, request_hash: str) -> tuple[IdempotencyKey, bool]:
    """Claim `key` for `user`; return the row and whether this caller now runs the request.

    A row returned with False holds a completed response to replay.
    Raises IdempotencyKeyReused (422) when the key came with another request,
    IdempotencyRequestInProgress (409) while the request holding it still runs.
    Side effect: deletes the user's keys older than the TTL.
    """
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, created_at__lt=now - IDEMPOTENCY_KEY_TTL).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user, key=key, request_hash=request_hash, created_at=now, locked_at=now
            ), True
    except IntegrityError:
        pass

    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None:
        # The holder failed and released the key between our insert and this read.
        raise IdempotencyRequestInProgress()
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused()
    if record.is_complete:
        return record, False
    taken_over = IdempotencyKey.objects.filter(
        pk=record.pk, response_status__isnull=True, locked_at__lt=now - IDEMPOTENCY_LOCK_TIMEOUT
    ).update(locked_at=now)
    if taken_over:
        return record, True
    raise IdempotencyRequestInProgress()


def idempotency_key_store(*, record: IdempotencyKey, status: int, body: dict) -> None:
    """Save the response of the request holding `record`; later requests with the key replay it."""
    IdempotencyKey.objects.filter(pk=record.pk).update(response_status=status, response_body=body)


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    """Free a key whose request failed unexpectedly, so that the client can retry with it."""
    IdempotencyKey.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def idempotent_execute(
    *,
    user: User,
    key: str | None,
    request_hash: str,
    handler: Callable[[], tuple[int, dict]],
    atomic: bool = True,
) -> IdempotentResponse:
    """Run `handler` (returning status and body) at most once per (user, key, request).

    Without a key the handler simply runs, and its errors propagate.

    The handler's writes and the stored response commit in one transaction; with `atomic=False`
    (a handler that calls an outside service, which must not happen inside a transaction) the
    handler manages its own transactions and the response is stored when it returns. A
    DomainError is stored as its error response, so a retry sees the same answer, except
    UpstreamUnavailable: the outside service failed and nothing was done, so the key is released.
    Any other exception releases the key, so the client may retry.
    Raises IdempotencyKeyReused (422) and IdempotencyRequestInProgress (409).
    """
    if key is None:
        status, body = handler()
        return IdempotentResponse(status, body, replayed=False)
    record, owned = idempotency_key_claim(user=user, key=key, request_hash=request_hash)
    if not owned:
        return IdempotentResponse(record.response_status, record.response_body, replayed=True)
    try:
        with transaction.atomic() if atomic else nullcontext():
            status, body = handler()
            idempotency_key_store(record=record, status=status, body=body)
    except UpstreamUnavailable:
        idempotency_key_release(record=record)
        raise
    except DomainError as error:
        status, body = error.status_code, domain_error_body(error)
        idempotency_key_store(record=record, status=status, body=body)
    except BaseException:
        idempotency_key_release(record=record)
        raise
    return IdempotentResponse(status, body, replayed=False)


def idempotency_key_purge(*, older_than: timedelta = IDEMPOTENCY_KEY_TTL) -> int:
    """Delete every key older than `older_than`; return how many went."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
