"""Answers that carry tokens must never be kept by a browser or a shared cache."""

import pytest

from accounts.tests.conftest import login
from accounts.tests.factories import DEFAULT_PASSWORD
from conftest import client_for

pytestmark = pytest.mark.django_db


def _assert_not_stored(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_register_answer_is_not_stored(api_client):
    response = api_client.post("/api/auth/register", {"email": "new@example.com", "password": "Sturdy-pass-42"})

    assert response.status_code == 201
    assert response.json()["access"]
    _assert_not_stored(response)


def test_login_answer_is_not_stored(api_client, customer):
    response = login(api_client, customer)

    assert response.status_code == 200
    assert response.json()["access"]
    _assert_not_stored(response)


def test_refresh_answer_is_not_stored(api_client, refresh_token):
    response = api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    assert response.status_code == 200
    assert response.json()["refresh"]
    _assert_not_stored(response)


def test_password_change_answer_is_not_stored(customer):
    response = client_for(customer).post(
        "/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": "Another-sturdy-pass-7"}
    )

    assert response.status_code == 200
    assert response.json()["access"]
    _assert_not_stored(response)
