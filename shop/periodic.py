"""Periodic jobs without a broker: incoming requests start `CELERY_BEAT_SCHEDULE`'s entries when due.

With a broker, `celery beat` owns the schedule and this stays idle. Without one, each
request (Django's `request_started` signal) asks whether an entry's interval has passed;
the first process to `cache.add` the entry's lock for one interval queues the task on
its thread pool, so the job runs at most once per interval across every process that
shares the cache (only per process with the local-memory cache), and never in the
request's own time. A quiet site runs its jobs at its next request.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

from shop.celery import app, runs_in_process
from shop.throttles import CACHE_ERRORS

logger = logging.getLogger(__name__)

# After a lock held by another process, look again within this many seconds.
_RECHECK_SECONDS = 60

_lock = threading.Lock()
# Entry name -> monotonic time before which this process does not look at it again.
_next_check: dict[str, float] = {}


def _interval_seconds(schedule) -> float | None:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)
    return run_every.total_seconds() if isinstance(run_every, timedelta) else None


def periodic_jobs_start_due(**signal_kwargs) -> None:
    """Queue every schedule entry whose interval has passed (a `request_started` receiver)."""
    if not (settings.PERIODIC_JOBS_IN_PROCESS and runs_in_process(app)):
        return
    now = time.monotonic()
    # One request at a time checks; the others go on at once.
    if not _lock.acquire(blocking=False):
        return
    try:
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            if _next_check.get(name, 0.0) > now:
                continue
            interval = _interval_seconds(entry["schedule"])
            if interval is None:
                logger.warning("Periodic job %s has a calendar schedule: only `make beat` runs it", name)
                _next_check[name] = float("inf")
                continue
            _next_check[name] = now + min(interval, _RECHECK_SECONDS)
            try:
                due = cache.add(f"periodic-job:{name}", True, timeout=interval)
            except CACHE_ERRORS:
                logger.warning("Periodic job %s skipped: the cache is unreachable", name, exc_info=True)
                continue
            if due:
                _next_check[name] = now + interval
                app.tasks[entry["task"]].apply_async(entry.get("args", ()), entry.get("kwargs", {}))
    finally:
        _lock.release()
