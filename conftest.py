import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

# Shared fixtures of outside services: `fake_cloudinary`, `fake_stripe`, `redis_server`, `celery_worker`,
# `smtp_server`.
pytest_plugins = [
    "shop.tests.fake_cloudinary",
    "shop.tests.fake_stripe",
    "shop.tests.redis_server",
    "shop.tests.celery_worker",
    "shop.tests.smtp_server",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """When a collected test runs a Celery worker process (shop/tests/celery_worker.py), the SQLite test
    database is a file (in memory where the OS offers one) the worker can open, not Django's in-memory one."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    worker_fixtures = {"celery_worker", "celery_broker"}
    needs_a_file = any(worker_fixtures & set(item.fixturenames) for item in request.session.items)
    if database["ENGINE"] == "django.db.backends.sqlite3" and needs_a_file:
        directory = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        database.setdefault("TEST", {})["NAME"] = str(directory / f"test-shop-{os.getpid()}.sqlite3")


# The shipping address of every test that checks out, as the API takes it (services: `Shipping(**SHIPPING)`).
SHIPPING = {
    "full_name": "Ada Lovelace",
    "address": "1 Analytical Way",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 0000",
}


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Throttle counters live in the cache; a test must not inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The suite hashes hundreds of passwords; the production hasher would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    jobs = settings.STORAGES["jobs"] | {"OPTIONS": {"location": tmp_path / "job-files"}}
    settings.STORAGES = settings.STORAGES | {"jobs": jobs}


@pytest.fixture(autouse=True)
def _tasks_run_in_the_test_thread(settings):
    """Celery's eager mode: a task queued on commit runs at once, in the test's thread and transaction.

    Without a broker the web process runs tasks on a thread pool, whose threads would not
    see a test's uncommitted rows; shop/tests/test_tasks.py covers the pool, and the
    `celery_worker` fixture (shop/tests/celery_worker.py) a real worker. Periodic jobs
    start only where a test asks for them.
    """
    from shop.celery import app

    settings.PERIODIC_JOBS_IN_PROCESS = False
    # Each test sees the health of its own database, not a result kept from the test before.
    settings.HEALTH_CACHE_SECONDS = 0
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def clock():
    """The wall clock held at a quarter past an hour, moving only when the test says
    (`clock.shift(timedelta(hours=1))`): a fixed throttle window never ends mid-test."""
    with time_machine.travel(datetime(2026, 6, 1, 10, 15, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def throttle_rates(settings):
    """Set throttle rates (`throttle_rates(orders="2/hour")`) for one test; shop/throttles.py reads them per request."""

    def set_rates(**rates):
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = current | {"DEFAULT_THROTTLE_RATES": current["DEFAULT_THROTTLE_RATES"] | rates}

    return set_rates


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user) -> APIClient:
    """An API client sending `user`'s access token, as the storefront does."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def customer(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff(db):
    from accounts.tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def superuser(db):
    from accounts.tests.factories import SuperuserFactory

    return SuperuserFactory()


@pytest.fixture
def customer_client(customer):
    return client_for(customer)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def superuser_client(superuser):
    return client_for(superuser)


@pytest.fixture
def admin_client(client, superuser):
    """Django's test client logged in to the admin site as `superuser` (pytest-django's own logs in
    a user the test cannot name)."""
    client.force_login(superuser)
    return client
