import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD


def login(client: APIClient, user, password: str = DEFAULT_PASSWORD):
    return client.post("/api/auth/login", {"email": user.email, "password": password})


@pytest.fixture
def refresh_token(customer, api_client) -> str:
    """A refresh token of `customer` obtained by signing in, as the storefront does."""
    response = login(api_client, customer)
    assert response.status_code == 200
    return response.json()["refresh"]
