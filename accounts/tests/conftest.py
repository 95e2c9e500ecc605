import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # These tests hash hundreds of passwords; the production hasher would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client: APIClient, user, password: str = DEFAULT_PASSWORD):
    return client.post("/api/auth/login", {"email": user.email, "password": password})


@pytest.fixture
def refresh_token(customer, api_client) -> str:
    """A refresh token of `customer` obtained by signing in, as the storefront does."""
    response = login(api_client, customer)
    assert response.status_code == 200
    return response.json()["refresh"]
