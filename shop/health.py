"""What `/health` checks: the database, the cache and the queue's broker (django-health-check's probes).

The database is "ok" only when it answers, holds every migration this code ships
(a moved SQLite file makes Django open a new, empty one: that is an error, not a
healthy shop) and takes a write (a read-only file or replica is an error too). The
write goes into `django_migrations` inside a transaction that is rolled back, so a
probe leaves nothing behind and needs no table of its own.

Results are kept `HEALTH_CACHE_SECONDS` in this process, not in the cache (which may
be the thing that is down), so a load balancer polling every server cannot load the
database.
"""

import threading
import time
from functools import cache

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from health_check import Cache, Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from kombu.exceptions import OperationalError

from shop.celery import app

_lock = threading.Lock()
_last: tuple[float, dict[str, str]] | None = None


@cache
def _shipped_migrations() -> frozenset[tuple[str, str]]:
    """The migrations on disk, read once per process: they change only with a deploy."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _database() -> str:
    try:
        Database().run()
        applied = MigrationRecorder(connection).applied_migrations()
        if not _shipped_migrations() <= set(applied):
            raise ServiceUnavailable("The schema is not migrated")
        with transaction.atomic():
            MigrationRecorder.Migration.objects.create(app="health", name="write probe", applied=timezone.now())
            transaction.set_rollback(True)
    except (HealthCheckException, DatabaseError):
        return "error"
    return "ok"


def _cache() -> str:
    try:
        async_to_sync(Cache().run)()
    except HealthCheckException:
        return "error"
    return "ok"


def _queue() -> str:
    """ "eager" without a broker (tasks run in the web process); else whether the broker takes a connection."""
    if not app.conf.broker_url:
        return "eager"
    try:
        with app.connection_for_write() as broker:
            # One attempt, bounded by CELERY_BROKER_CONNECTION_TIMEOUT: a probe does not wait out retries.
            broker.ensure_connection(max_retries=0)
    except (OperationalError, OSError):
        return "error"
    return "ok"


def health_report() -> dict[str, str]:
    """{"status", "database", "cache", "queue"}; "status" is "error" only when the database is."""
    global _last
    with _lock:
        now = time.monotonic()
        if _last is None or now - _last[0] >= settings.HEALTH_CACHE_SECONDS:
            database = _database()
            report = {
                "status": "ok" if database == "ok" else "error",
                "database": database,
                "cache": _cache(),
                "queue": _queue(),
            }
            _last = (now, report)
        return _last[1]
