from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts.tests.factories import DEFAULT_PASSWORD
from accounts.throttling import LoginFailureThrottle, login_attempt_release

# Hourly windows on a held clock: a fixed window ending mid-test would reset the counters.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

STRONG = "Quiet-Lantern-81"


@pytest.fixture
def rates(settings):
    """Set throttle rates for one test; the throttles read them per request."""

    def set_rates(**rates):
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = current | {"DEFAULT_THROTTLE_RATES": current["DEFAULT_THROTTLE_RATES"] | rates}

    return set_rates


def attempt(email: str, password: str, address: str):
    return APIClient(REMOTE_ADDR=address).post("/api/auth/login", {"email": email, "password": password})


def test_login_locked_for_an_email_after_failures_from_many_addresses(customer, rates):
    rates(login="3/hour")
    for n in range(3):
        assert attempt(customer.email, "Wrong-Password-1", f"10.0.0.{n}").status_code == 401

    response = attempt(customer.email.upper(), DEFAULT_PASSWORD, "10.0.0.99")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert attempt("someone-else@example.com", "x", "10.0.0.98").status_code == 401


def test_login_locked_for_an_address_after_failures_on_many_emails(customer, rates):
    rates(login="3/hour")
    for n in range(3):
        assert attempt(f"guess{n}@example.com", "Wrong-Password-1", "10.0.0.1").status_code == 401

    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.1").status_code == 429
    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.2").status_code == 200


def test_login_failures_below_the_limit_do_not_block(customer, rates):
    rates(login="3/hour")
    for n in range(2):
        attempt(customer.email, "Wrong-Password-1", f"10.0.0.{n}")

    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.50").status_code == 200


def test_successful_login_forgives_the_email_failures(customer, rates):
    rates(login="3/hour")
    for n in range(2):
        attempt(customer.email, "Wrong-Password-1", f"10.0.1.{n}")
    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.1.50").status_code == 200

    for n in range(2):
        attempt(customer.email, "Wrong-Password-1", f"10.0.2.{n}")

    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.2.50").status_code == 200


def test_login_failures_are_counted_in_the_shared_cache(customer, rates):
    rates(login="2/hour")
    for n in range(2):
        attempt(customer.email, "Wrong-Password-1", f"10.0.0.{n}")
    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.9").status_code == 429

    cache.clear()

    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.9").status_code == 200


def test_login_attempts_are_rate_limited_per_address(customer, rates):
    rates(login="2/hour")
    for _ in range(2):
        assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.1").status_code == 200

    assert attempt(customer.email, DEFAULT_PASSWORD, "10.0.0.1").status_code == 429


def test_password_guesses_with_a_stolen_access_token_are_throttled(customer, customer_client, rates):
    rates(login="3/hour")
    for _ in range(3):
        wrong = {"current_password": "Guess-Password-1", "new_password": STRONG}
        assert customer_client.post("/api/auth/password", wrong).status_code == 401

    right = {"current_password": DEFAULT_PASSWORD, "new_password": STRONG}
    response = customer_client.post("/api/auth/password", right)

    assert response.status_code == 429
    assert attempt(customer.email, DEFAULT_PASSWORD, "10.9.9.9").status_code == 429
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_register_is_rate_limited_per_address(rates):
    rates(register="2/hour")
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    for n in range(2):
        assert client.post("/api/auth/register", {"email": f"n{n}@example.com", "password": STRONG}).status_code == 201

    response = client.post("/api/auth/register", {"email": "n3@example.com", "password": STRONG})

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def _login_request(email: str, address: str) -> Request:
    raw = APIRequestFactory().post("/api/auth/login", {"email": email}, format="json", REMOTE_ADDR=address)
    request = Request(raw, parsers=[JSONParser()])
    request.user = AnonymousUser()
    return request


def test_login_guesses_in_flight_hold_their_slots_so_a_burst_cannot_overshoot(customer, rates):
    # Guesses sent at once, to any number of servers, are checked before any failure is recorded.
    rates(login="3/hour")
    in_flight = [_login_request(customer.email, f"10.3.0.{n}") for n in range(4)]

    allowed = [LoginFailureThrottle().allow_request(request, None) for request in in_flight]

    assert allowed == [True, True, True, False]
    login_attempt_release(in_flight[0])
    assert LoginFailureThrottle().allow_request(_login_request(customer.email, "10.3.0.9"), None)


def test_successful_password_changes_leave_no_slot_taken(customer, customer_client, rates):
    rates(login="2/hour")
    password = DEFAULT_PASSWORD
    for new_password in (STRONG, "Second-Lantern-82"):
        response = customer_client.post(
            "/api/auth/password", {"current_password": password, "new_password": new_password}
        )
        assert response.status_code == 200
        customer_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
        password = new_password

    wrong = {"current_password": "Guess-Password-1", "new_password": STRONG}

    assert customer_client.post("/api/auth/password", wrong).status_code == 401


def test_login_failures_are_forgotten_when_their_window_ends(customer, rates, clock):
    rates(login="3/hour")
    for _ in range(3):
        attempt(customer.email, "wrong-password", "198.51.100.61")
    assert attempt(customer.email, DEFAULT_PASSWORD, "198.51.100.61").status_code == 429

    clock.shift(timedelta(hours=1))

    assert attempt(customer.email, DEFAULT_PASSWORD, "198.51.100.61").status_code == 200
