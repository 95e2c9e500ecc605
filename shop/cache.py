"""The default cache without Redis: files on this host, shared by every worker process.

Throttle counters are all the cache holds. In process memory (Django's local-memory
cache) each gunicorn worker would count on its own, so a limit of 10 let 10 per
worker through; files in one directory are seen by every worker of the host. Several
app servers still need `REDIS_URL`, and `shared_cache_warning` says so at start-up
when the cache is one a process keeps to itself.
"""

import logging
import os
import shlex
import sys
from contextlib import contextmanager

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

logger = logging.getLogger(__name__)

# Backends whose entries live in one process only.
PER_PROCESS_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


class ProcessSafeFileCache(FileBasedCache):
    """Django's file cache whose `add` and `incr` (hence `decr`) are atomic across processes and threads.

    The login-failure limit takes its slot with add + incr (accounts/throttling.py);
    Django's file cache does each as a read then a write, so two workers could both
    read 3 and both write 4. One exclusive lock on a file in the directory makes each
    a single step. Expired entries are culled before live ones, so a flood of new keys
    cannot push out a counter that is still running.
    """

    lock_name = "counters.lock"

    @contextmanager
    def _exclusive(self):
        self._createdir()
        with open(os.path.join(self._dir, self.lock_name), "ab") as lock_file:
            locks.lock(lock_file, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock_file)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._exclusive():
            return super().incr(key, delta, version)

    def _cull(self):
        if len(self._list_cache_files()) < self._max_entries:
            return
        for name in self._list_cache_files():
            try:
                with open(name, "rb") as entry:
                    self._is_expired(entry)  # removes the file when expired
            except FileNotFoundError:
                continue
        super()._cull()


def _gunicorn_workers() -> int:
    """How many workers the gunicorn running this process was told to start (1 when not under gunicorn)."""
    arguments = sys.argv[1:] + shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    workers = None
    for index, argument in enumerate(arguments):
        if argument in ("-w", "--workers") and index + 1 < len(arguments):
            workers = arguments[index + 1]
        elif argument.startswith("--workers="):
            workers = argument.partition("=")[2]
    if workers is None:
        workers = os.environ.get("WEB_CONCURRENCY", "1")
    try:
        return int(workers)
    except ValueError:
        return 1


def shared_cache_warning() -> None:
    """Log a warning when several gunicorn workers would each keep their own throttle counters."""
    backend = settings.CACHES["default"]["BACKEND"]
    workers = _gunicorn_workers()
    if workers > 1 and backend in PER_PROCESS_BACKENDS:
        logger.warning(
            "%d gunicorn workers share no cache (%s keeps entries per process): every throttle "
            "limit is multiplied by the number of workers. Set REDIS_URL, or use the default file cache.",
            workers,
            backend.rsplit(".", 1)[-1],
        )
