import json
import logging
import sys

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services as account_services
from accounts.tests.factories import DEFAULT_PASSWORD
from assistant.tests.conftest import FakeChatServer
from shop.jsonlog import JsonFormatter, redact

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Violet-Harbour-7731"
REQUEST_FIELDS = {"method", "path", "query", "status", "duration_ms", "user_id", "request_id"}


@pytest.fixture
def bearer(customer):
    """A client of `customer` with a known access token."""
    access = str(RefreshToken.for_user(customer).access_token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client, access


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "shop.request"]


def line_of(caplog, response) -> dict:
    """The one access-log line of `response`, as the JSON formatter writes it."""
    records = [record for record in request_lines(caplog) if record.request_id == response["X-Request-ID"]]
    assert len(records) == 1
    return json.loads(JsonFormatter().format(records[0]))


def everything_logged(caplog) -> str:
    """Every record as formatted, plus every attribute it carries (extras such as Django's `request`)."""
    formatter = JsonFormatter()
    return "\n".join(
        [caplog.text]
        + [formatter.format(record) for record in caplog.records]
        + [repr(vars(record)) for record in caplog.records]
    )


def assert_absent(caplog, *secrets: str) -> None:
    logged = everything_logged(caplog)
    for secret in secrets:
        assert secret not in logged


def test_sign_in_flow_logs_one_line_per_request_and_no_secret(logs, customer):
    client = APIClient()
    registered = client.post("/api/auth/register", {"email": "new@example.com", "password": NEW_PASSWORD})
    login = client.post("/api/auth/login", {"email": customer.email, "password": DEFAULT_PASSWORD})
    access, refresh = login.json()["access"], login.json()["refresh"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    profile = client.get("/api/auth/profile?access_token=" + access)
    changed = client.post("/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD})
    refreshed = client.post("/api/auth/refresh", {"refresh": changed.json()["refresh"]})

    responses = [registered, login, profile, changed, refreshed]
    assert [response.status_code for response in responses] == [201, 200, 200, 200, 200]
    assert len(request_lines(logs)) == len(responses)
    lines = [line_of(logs, response) for response in responses]
    assert all(set(line) >= REQUEST_FIELDS for line in lines)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", "/api/auth/register", 201),
        ("POST", "/api/auth/login", 200),
        ("GET", "/api/auth/profile", 200),
        ("POST", "/api/auth/password", 200),
        ("POST", "/api/auth/refresh", 200),
    ]
    assert [line["user_id"] for line in lines] == [None, None, customer.pk, customer.pk, None]
    assert all(isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0 for line in lines)
    assert lines[2]["query"] == "access_token=[redacted]"
    tokens = [
        access,
        refresh,
        registered.json()["access"],
        registered.json()["refresh"],
        changed.json()["access"],
        changed.json()["refresh"],
        refreshed.json()["access"],
        refreshed.json()["refresh"],
    ]
    assert_absent(logs, DEFAULT_PASSWORD, NEW_PASSWORD, *tokens)


def test_refused_requests_log_no_password_or_token(logs, customer, bearer):
    customer_client, access = bearer
    bad_register = APIClient().post("/api/auth/register", {"email": "not-an-email", "password": NEW_PASSWORD})
    bad_login = APIClient().post("/api/auth/login", {"email": customer.email, "password": NEW_PASSWORD})
    wrong_current = customer_client.post(
        "/api/auth/password", {"current_password": NEW_PASSWORD, "new_password": DEFAULT_PASSWORD}
    )
    bad_refresh = APIClient().post(
        "/api/auth/refresh", {"refresh": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}
    )

    refused = (bad_register, bad_login, wrong_current, bad_refresh)
    assert [response.status_code for response in refused] == [400, 401, 401, 401]
    assert [line_of(logs, response)["status"] for response in refused] == [400, 401, 401, 401]
    assert {r.levelname for r in request_lines(logs)} == {"WARNING"}
    assert_absent(logs, NEW_PASSWORD, DEFAULT_PASSWORD, access, "eyJzdWIiOiJ4In0")


def test_server_errors_log_the_traceback_without_password_or_token(logs, customer, bearer, monkeypatch):
    customer_client, access = bearer

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(account_services, "user_login", broken)
    monkeypatch.setattr(account_services, "user_password_change", broken)
    login = APIClient().post("/api/auth/login", {"email": customer.email, "password": DEFAULT_PASSWORD})
    change = customer_client.post(
        "/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert (login.status_code, change.status_code) == (500, 500)
    assert login.json()["code"] == "server_error"
    assert line_of(logs, change)["user_id"] == customer.pk
    tracebacks = [r for r in logs.records if r.exc_info and r.name == "shop.exceptions"]
    assert len(tracebacks) == 2
    assert "the database went away" in everything_logged(logs)
    assert {r.levelname for r in request_lines(logs)} == {"ERROR"}
    assert_absent(logs, DEFAULT_PASSWORD, NEW_PASSWORD, access)


def test_lines_logged_while_serving_a_request_carry_its_request_id(logs, customer_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(account_services, "user_password_change", broken)
    response = customer_client.post(
        "/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    # The console handler's filter stamped the record while the request was being served.
    traceback_record = next(r for r in logs.records if r.name == "shop.exceptions")
    assert traceback_record.request_id == response["X-Request-ID"]
    assert json.loads(JsonFormatter().format(traceback_record))["request_id"] == response["X-Request-ID"]


def test_a_plain_request_id_from_the_proxy_is_kept_and_a_forged_one_replaced(logs, api_client):
    kept = api_client.get("/api/health", HTTP_X_REQUEST_ID="lb-7f3a9c21")
    replaced = api_client.get("/api/health", HTTP_X_REQUEST_ID='x" "status": 200, "fake')

    assert kept["X-Request-ID"] == "lb-7f3a9c21"
    assert line_of(logs, kept)["request_id"] == "lb-7f3a9c21"
    assert replaced["X-Request-ID"] != 'x" "status": 200, "fake'
    assert len(replaced["X-Request-ID"]) == 32


def test_query_values_are_logged_except_sensitive_ones(logs, api_client):
    response = api_client.get("/api/products?search=lamp&page=2&token=s3cr3t&api_key=k3y&password=pw")

    line = line_of(logs, response)
    assert line["path"] == "/api/products"
    assert line["query"] == "search=lamp&page=2&token=[redacted]&api_key=[redacted]&password=[redacted]"
    assert_absent(logs, "s3cr3t", "k3y")


def test_not_found_is_a_warning_and_success_is_info(logs, api_client):
    missing = api_client.get("/api/nothing-here")
    health = api_client.get("/api/health")

    assert line_of(logs, missing)["level"] == "WARNING"
    assert line_of(logs, missing)["status"] == 404
    assert line_of(logs, health)["level"] == "INFO"


def test_formatter_masks_tokens_an_exception_message_might_carry():
    token = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.abcDEF123_-x"

    assert token not in redact(f"upstream refused {token}")
    assert redact("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer [redacted]"
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, exc_info=sys.exc_info())
    assert token not in JsonFormatter().format(record)


def test_sql_debug_logging_never_prints_a_token(caplog, customer):
    # DEBUG on django.db.backends logs every query with its parameters, such as the
    # refresh token simplejwt stores; the shipped formatter still prints none.
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        login = APIClient().post("/api/auth/login", {"email": customer.email, "password": DEFAULT_PASSWORD})
    finally:
        connection.force_debug_cursor = False
    refresh = login.json()["refresh"]

    sql = [record for record in caplog.records if record.name == "django.db.backends"]
    assert any(refresh in record.getMessage() for record in sql)
    assert all(refresh not in JsonFormatter().format(record) for record in sql)


@pytest.fixture
def fake_model(settings):
    server = FakeChatServer()
    server.start()
    settings.OPENAI_API_KEY = "sk-test-0123456789abcdef"
    settings.OPENAI_BASE_URL = server.base_url
    yield server
    server.stop()


def test_assistant_prompts_and_key_stay_out_of_the_logs_even_at_debug(caplog, api_client, fake_model):
    caplog.set_level(logging.DEBUG)
    prompt = "my private question 7c1f9e"

    response = api_client.post("/api/assistant/chat", {"prompt": prompt}, format="json")

    assert response.status_code == 200
    assert fake_model.requests[0]["body"]["messages"][-1]["content"] == prompt
    assert_absent(caplog, "7c1f9e", "sk-test-0123456789abcdef")
    assert [line_of(caplog, response)["path"]] == ["/api/assistant/chat"]
