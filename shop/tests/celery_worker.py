"""A real Celery worker process (`celery_worker`) on the machine's Redis, on a database number of its own.

The worker is `celery -A shop worker`, as `make worker` runs it, pointed at the test
database (a file for SQLite, see the root conftest) and at the test's MEDIA_ROOT and job
files. While
the fixture is active this process queues tasks on that broker instead of running them
eagerly, so a test drives the API and waits for what the worker did. Tests using it
need committed rows: `@pytest.mark.django_db(transaction=True)`.

`CELERY_TEST_BROKER_URL` names the Redis database; by default number 5 on SQLite and 6
on MariaDB of `REDIS_URL`'s server (else 127.0.0.1:6379), so both suites can run at once.
It is emptied before and after each test.
The worker does not see a test's `settings` overrides: pass `env=` for what it must know.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection

from shop.celery import app


def celery_test_broker_url() -> str:
    if os.environ.get("CELERY_TEST_BROKER_URL"):
        return os.environ["CELERY_TEST_BROKER_URL"]
    redis_url = urllib.parse.urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    number = 6 if connection.vendor == "mysql" else 5
    return urllib.parse.urlunsplit(redis_url._replace(path=f"/{number}"))


def worker_database_url() -> str:
    """The test database pytest-django created, as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = urllib.parse.quote(db["USER"] or "root", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"mysql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"


@dataclass
class CeleryWorker:
    broker_url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Warm shutdown, as on a deploy: the task in hand finishes first."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_celery_worker(*, broker_url: str, log: Path, env: dict[str, str] | None = None, name: str = "test"):
    """Start `celery -A shop worker` on `broker_url` (the `celery_broker` fixture's) and wait until it answers.

    For a second worker beside `celery_worker`, give it another `name` and log.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail("The worker needs a file SQLite test database (see the root conftest).")
    worker_env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "REDIS_URL"))}
    worker_env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DATABASE_URL=worker_database_url(),
        CELERY_BROKER_URL=broker_url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        JOB_FILES_ROOT=str(settings.STORAGES["jobs"]["OPTIONS"]["location"]),
        **(env or {}),
    )
    hostname = f"{name}-{os.getpid()}@{socket.gethostname()}"
    command = [
        *(sys.executable, "-m", "celery", "-A", "shop", "worker", "--hostname", hostname),
        *("--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=worker_env, stdout=output, stderr=subprocess.STDOUT, preexec_fn=_die_with_the_test_run
        )
    worker = CeleryWorker(broker_url=broker_url, process=process, log=log)
    try:
        deadline = time.monotonic() + 60
        while not any(hostname in reply for reply in app.control.ping(timeout=0.5)):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{worker.log_text()}")
    except BaseException:
        worker.stop()
        raise
    return worker


def _die_with_the_test_run() -> None:
    """A worker left behind by a killed test run would take the next run's tasks to a database that is gone."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _producer_pools_drop() -> None:
    # Celery keeps its connection and producer pools for the broker it first met: a test that
    # changes the broker needs fresh ones, and must not leave its own to the next test.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_for_this_process(url: str):
    """This process queues tasks on `url` (empty: no broker, the in-process pool), not eagerly; then back."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    _producer_pools_drop()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        _producer_pools_drop()
        app.conf.broker_url, app.conf.task_always_eager = saved


@pytest.fixture
def celery_broker():
    """The test's Redis database as this process's broker (emptied before and after)."""
    url = celery_test_broker_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis at {url}: {error}")
        pytest.skip(f"needs a Redis at {url} ({error})")
    with broker_for_this_process(url):
        yield url
    client.flushdb()
    client.close()


@pytest.fixture
def celery_worker(celery_broker, transactional_db, tmp_path):
    worker = start_celery_worker(broker_url=celery_broker, log=tmp_path / "celery-worker.log")
    yield worker
    worker.stop()
