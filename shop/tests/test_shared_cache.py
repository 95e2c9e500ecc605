"""Throttle counters without Redis, as an operator who sets no REDIS_URL runs the shop: gunicorn, several workers."""

import json
import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core.cache import caches

from shop.cache import ProcessSafeFileCache, shared_cache_warning

LIMIT = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait_until_answering(url: str, process: subprocess.Popen, log, deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/api/no-such-route", timeout=30)
        except urllib.error.HTTPError:
            return  # any HTTP answer: a worker is up
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer on {url}:\n{log.read_text()[-3000:]}")


@pytest.fixture
def gunicorn_without_redis(tmp_path):
    """gunicorn with 2 workers, each replaced after fewer requests than the limit: no process could count to it."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("THROTTLE_", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DEBUG="0",
        SECRET_KEY="shared-cache-test-only-secret-key-0123456789-abcdefghijklmnopqrstuv",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        # The requests below never reach the database.
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        REDIS_URL="",
        CACHE_DIR=str(tmp_path / "cache"),
        THROTTLE_LOGIN=f"{LIMIT}/min",
        LOG_LEVEL="WARNING",
    )
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    command += ["--max-requests", str(LIMIT - 1), "--log-level", "warning", "--error-logfile", str(log)]
    with open(tmp_path / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(  # our own interpreter and arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process, log, time.monotonic() + 60)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_a_limit_of_n_lets_exactly_n_through_across_worker_processes(gunicorn_without_redis):
    # No worker process lives for LIMIT requests: with counters in process memory every request
    # would pass. The sign-in limit counts attempts per address before the body is even read, so
    # an empty body (400) is enough.
    statuses = [_post(f"{gunicorn_without_redis}/api/auth/login", {}) for _ in range(LIMIT + 2)]

    assert statuses == [400] * LIMIT + [429] * 2


def _increment_many(location: str, times: int) -> None:
    cache = ProcessSafeFileCache(location, {})
    for _ in range(times):
        cache.incr("counter")


def test_file_cache_increments_from_several_processes_at_once_lose_nothing(tmp_path):
    cache = ProcessSafeFileCache(str(tmp_path), {})
    cache.add("counter", 0)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_increment_many, args=(str(tmp_path), 100)) for _ in range(3)]

    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert cache.get("counter") == 300


def test_the_default_cache_without_redis_is_shared_files_not_process_memory():
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set in this environment")

    assert isinstance(caches["default"], ProcessSafeFileCache)


def test_start_up_warns_when_several_workers_share_no_cache(settings, monkeypatch, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    with caplog.at_level(logging.WARNING, logger="shop.cache"):
        shared_cache_warning()

    assert "3 gunicorn workers share no cache" in caplog.text
    assert "REDIS_URL" in caplog.text


def test_start_up_is_quiet_with_one_worker_or_a_shared_cache(settings, monkeypatch, caplog):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    with caplog.at_level(logging.WARNING, logger="shop.cache"):
        shared_cache_warning()  # the default file cache
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        monkeypatch.setenv("WEB_CONCURRENCY", "1")
        shared_cache_warning()

    assert caplog.text == ""
