"""Celery tasks run on a thread pool inside the web process when no broker is configured.

A worker would receive the task as a message and run it in another process; here it
runs on one of `TASK_POOL_THREADS` threads, so the request that queued it answers at
once. What a worker gives is kept where it can be: arguments go through the task's
serializer (a model instance fails here as it would with a broker), a retry waits its
countdown, each run gets its own database connections, and a failure is logged.
What a broker alone gives is not: a task still queued or waiting for a retry when the
process stops is lost, which the idempotent tasks and periodic sweeps tolerate.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from celery import Task
from celery.result import AsyncResult
from celery.utils import uuid
from django.conf import settings
from django.db import close_old_connections
from kombu import serialization

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=settings.TASK_POOL_THREADS, thread_name_prefix="task")
        return _executor


def _run(task: Task, args: tuple, kwargs: dict, task_id: str, retries: int) -> None:
    # As Celery's Django fixup does around each task in a worker: no connection outlives its welcome.
    close_old_connections()
    try:
        # throw=False: the tracer logs a failure and records it on the result; nobody waits on it.
        task.apply(args, kwargs, task_id=task_id, retries=retries, throw=False)
    finally:
        close_old_connections()


def _delay_seconds(options: dict) -> float:
    eta = options.get("eta")
    if eta is not None:
        eta = datetime.fromisoformat(eta) if isinstance(eta, str) else eta
        return max((eta - datetime.now(UTC)).total_seconds(), 0.0)
    return float(options.get("countdown") or 0)


def submit(task: Task, *, args, kwargs, task_id: str | None, options: dict) -> AsyncResult:
    """Run `task` on the pool, after its countdown or eta; returns its (unstored) result handle."""
    content_type, encoding, body = serialization.dumps((args or (), kwargs or {}), task.serializer)
    args, kwargs = serialization.loads(body, content_type, encoding, accept=[content_type])
    task_id = task_id or uuid()
    call = (_run, task, args, kwargs, task_id, options.get("retries") or 0)
    delay = _delay_seconds(options)
    if delay > 0:
        timer = threading.Timer(delay, lambda: _pool().submit(*call))
        timer.daemon = True
        timer.start()
    else:
        _pool().submit(*call)
    return task.AsyncResult(task_id)
