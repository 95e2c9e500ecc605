"""Periodic jobs without a broker: started by requests, at most once per interval (shop/periodic.py)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from payments.models import IdempotencyKey
from payments.tests.factories import IdempotencyKeyFactory
from shop import periodic
from shop.tests.celery_worker import broker_for_this_process

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def embedded_default(settings):
    """No broker, not Celery's eager test mode, periodic jobs on, in a process that has not checked yet."""
    settings.PERIODIC_JOBS_IN_PROCESS = True
    periodic._next_check.clear()
    with broker_for_this_process(""):
        yield
    periodic._next_check.clear()


def _expired_token(user) -> OutstandingToken:
    token = OutstandingToken.objects.get(jti=RefreshToken.for_user(user)["jti"])
    OutstandingToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    return token


def _wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_request_starts_the_daily_purges_off_its_thread(api_client, customer, embedded_default):
    expired = _expired_token(customer)
    old_key = IdempotencyKeyFactory(created_at=timezone.now() - timedelta(days=3))
    fresh_key = IdempotencyKeyFactory()

    response = api_client.get("/api/categories")

    assert response.status_code == 200
    assert _wait_until(lambda: not OutstandingToken.objects.filter(pk=expired.pk).exists())
    assert _wait_until(lambda: not IdempotencyKey.objects.filter(pk=old_key.pk).exists())
    assert IdempotencyKey.objects.filter(pk=fresh_key.pk).exists()


def test_a_job_runs_once_per_interval_even_for_a_process_that_has_not_run_it(api_client, customer, embedded_default):
    first = _expired_token(customer)
    api_client.get("/api/categories")
    assert _wait_until(lambda: not OutstandingToken.objects.filter(pk=first.pk).exists())

    second = _expired_token(customer)
    # A second web process knows nothing of the first run; the lock in the shared cache does.
    periodic._next_check.clear()
    api_client.get("/api/categories")
    api_client.get("/api/categories")
    time.sleep(0.5)

    assert OutstandingToken.objects.filter(pk=second.pk).exists()


def test_with_a_broker_requests_leave_the_schedule_to_beat(api_client, customer, settings):
    settings.PERIODIC_JOBS_IN_PROCESS = True
    periodic._next_check.clear()
    expired = _expired_token(customer)

    with broker_for_this_process("redis://127.0.0.1:1/0"):
        api_client.get("/api/categories")
        time.sleep(0.5)

    assert OutstandingToken.objects.filter(pk=expired.pk).exists()
