from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

# Shared fixtures of outside services: `fake_cloudinary`.
pytest_plugins = ["shop.tests.fake_cloudinary"]


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
