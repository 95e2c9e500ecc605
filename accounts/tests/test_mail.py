"""Password reset, email verification and password-changed mail, received by a real SMTP server."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from conftest import client_for
from shop.tests.smtp_server import mail_parts

pytestmark = pytest.mark.django_db

RESET_MESSAGE = {"message": "If this email is registered, a reset link has been sent."}
NEW_PASSWORD = "Another-Battery-77"


def _link(message, path: str) -> dict[str, str]:
    text, html = mail_parts(message)
    url = re.search(r"http://shop\.test/" + path + r"\?\S+", text).group(0)
    assert url.replace("&", "&amp;") in html
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture(autouse=True)
def _storefront(settings):
    settings.STOREFRONT_URL = "http://shop.test"
    settings.SHOP_NAME = "Acme Outfitters"


def _reset(api_client, mailed, email):
    return mailed(lambda: api_client.post("/api/auth/password/reset", {"email": email}))


def test_reset_mail_has_both_parts_and_a_link_that_sets_the_password(api_client, smtp_server, mailed, customer):
    response = _reset(api_client, mailed, customer.email.upper())

    assert response.status_code == 200
    assert response.json() == RESET_MESSAGE
    [message] = smtp_server.messages
    assert message["To"] == customer.email
    assert message["Subject"] == "Acme Outfitters: reset your password"
    text, html = mail_parts(message)
    assert "Acme Outfitters" in text and "Acme Outfitters" in html
    params = _link(message, "reset-password")

    confirmed = mailed(
        lambda: api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": NEW_PASSWORD})
    )

    assert confirmed.status_code == 200
    assert api_client.post("/api/auth/login", {"email": customer.email, "password": NEW_PASSWORD}).status_code == 200
    assert smtp_server.messages[-1]["Subject"] == "Acme Outfitters: your password was changed"


def test_reset_token_works_once(api_client, smtp_server, mailed, customer):
    _reset(api_client, mailed, customer.email)
    params = _link(smtp_server.messages[0], "reset-password")
    first = api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": NEW_PASSWORD})

    second = api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": "Third-Password-99"})

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["code"] == "link_invalid"
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_reset_token_expires_after_password_reset_timeout(api_client, smtp_server, mailed, customer, clock, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    _reset(api_client, mailed, customer.email)
    params = _link(smtp_server.messages[0], "reset-password")

    clock.shift(timedelta(seconds=3601))
    response = api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert response.json()["code"] == "link_invalid"
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_reset_signs_out_every_session(api_client, smtp_server, mailed, customer):
    sessions = [
        api_client.post("/api/auth/login", {"email": customer.email, "password": DEFAULT_PASSWORD}).json()
        for _ in range(2)
    ]
    _reset(api_client, mailed, customer.email)
    params = _link(smtp_server.messages[0], "reset-password")

    api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": NEW_PASSWORD})

    for session in sessions:
        refreshed = api_client.post("/api/auth/refresh", {"refresh": session["refresh"]})
        assert refreshed.status_code == 401
        profile = api_client.get("/api/auth/profile", HTTP_AUTHORIZATION=f"Bearer {session['access']}")
        assert profile.status_code == 401


def test_reset_of_an_unknown_email_answers_the_same_and_sends_nothing(api_client, smtp_server, mailed, customer):
    known = _reset(api_client, mailed, customer.email)
    unknown = _reset(api_client, mailed, "nobody@example.com")

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert [message["To"] for message in smtp_server.messages] == [customer.email]


def test_reset_with_a_malformed_link_or_a_weak_password_is_400(api_client, smtp_server, mailed, customer):
    _reset(api_client, mailed, customer.email)
    params = _link(smtp_server.messages[0], "reset-password")

    forged = api_client.post(
        "/api/auth/password/reset/confirm", {"uid": "!!", "token": params["token"], "new_password": NEW_PASSWORD}
    )
    weak = api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": "123"})

    assert (forged.status_code, forged.json()["code"]) == (400, "link_invalid")
    assert (weak.status_code, weak.json()["field"]) == (400, "new_password")


def test_reset_requests_are_throttled_per_address_and_per_email(api_client, throttle_rates, clock, customer):
    throttle_rates(password_reset="2/hour")
    for _ in range(2):
        assert api_client.post("/api/auth/password/reset", {"email": customer.email}).status_code == 200

    same_email_elsewhere = api_client.post(
        "/api/auth/password/reset", {"email": customer.email}, REMOTE_ADDR="10.0.0.9"
    )
    other_email_same_address = api_client.post("/api/auth/password/reset", {"email": "other@example.com"})

    assert same_email_elsewhere.status_code == 429
    assert other_email_same_address.status_code == 429
    assert (
        api_client.post("/api/auth/password/reset", {"email": "x@example.com"}, REMOTE_ADDR="10.0.0.8").status_code
        == 200
    )


def test_register_mails_a_verification_link_that_verifies_the_email(api_client, smtp_server, mailed):
    registered = mailed(
        lambda: api_client.post("/api/auth/register", {"email": "new@example.com", "password": DEFAULT_PASSWORD})
    )
    assert registered.json()["user"]["email_verified"] is False
    [message] = smtp_server.messages
    assert message["Subject"] == "Acme Outfitters: confirm your email address"
    params = _link(message, "verify-email")

    verified = api_client.post("/api/auth/email/verify", params)
    again = api_client.post("/api/auth/email/verify", params)

    assert verified.status_code == 200
    assert verified.json()["user"]["email_verified"] is True
    assert User.objects.get(email="new@example.com").email_verified
    assert (again.status_code, again.json()["code"]) == (400, "link_invalid")


def test_changed_email_becomes_unverified_and_the_old_link_dies(api_client, smtp_server, mailed):
    mailed(lambda: api_client.post("/api/auth/register", {"email": "first@example.com", "password": DEFAULT_PASSWORD}))
    old_link = _link(smtp_server.messages[0], "verify-email")
    user = User.objects.get(email="first@example.com")
    user.email_verified = True
    user.save()

    changed = mailed(
        lambda: client_for(user).patch(
            "/api/auth/profile", {"email": "second@example.com", "current_password": DEFAULT_PASSWORD}
        )
    )

    assert changed.json()["user"]["email_verified"] is False
    assert smtp_server.messages[-1]["To"] == "second@example.com"
    assert api_client.post("/api/auth/email/verify", old_link).status_code == 400
    assert api_client.post("/api/auth/email/verify", _link(smtp_server.messages[-1], "verify-email")).status_code == 200


def test_resend_mails_a_new_link_and_is_throttled(smtp_server, mailed, customer, throttle_rates, clock):
    throttle_rates(email_verify="2/hour")
    client = client_for(customer)

    answers = [mailed(lambda: client.post("/api/auth/email/verify/resend")).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert [message["To"] for message in smtp_server.messages] == [customer.email] * 2


def test_resend_for_a_verified_email_sends_nothing(smtp_server, mailed):
    user = UserFactory(email_verified=True)

    response = mailed(lambda: client_for(user).post("/api/auth/email/verify/resend"))

    assert response.status_code == 200
    assert smtp_server.messages == []


def test_verification_link_expires(api_client, smtp_server, mailed, clock, settings):
    settings.EMAIL_VERIFICATION_TIMEOUT = 86400
    mailed(lambda: api_client.post("/api/auth/register", {"email": "late@example.com", "password": DEFAULT_PASSWORD}))
    params = _link(smtp_server.messages[0], "verify-email")

    clock.shift(timedelta(days=1, seconds=1))

    assert api_client.post("/api/auth/email/verify", params).status_code == 400


def test_password_change_mails_the_owner(smtp_server, mailed, customer):
    client = client_for(customer)

    mailed(
        lambda: client.post("/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD})
    )

    [message] = smtp_server.messages
    assert message["To"] == customer.email
    assert "has just been changed" in mail_parts(message)[0]


def test_a_refusing_smtp_server_gets_the_mail_on_retry(api_client, smtp_server, mailed, customer, eager_retries):
    smtp_server.refuse_next(1)

    response = _reset(api_client, mailed, customer.email)

    assert response.status_code == 200
    assert smtp_server.refused == 1
    assert [message["To"] for message in smtp_server.messages] == [customer.email]


def test_nothing_is_mailed_when_the_registration_rolls_back(api_client, smtp_server, mailed):
    UserFactory(email="taken@example.com")

    response = mailed(
        lambda: api_client.post("/api/auth/register", {"email": "TAKEN@example.com", "password": DEFAULT_PASSWORD})
    )

    assert response.status_code == 409
    assert smtp_server.messages == []


def test_access_token_of_a_reset_account_is_refused(api_client, smtp_server, mailed, customer):
    access = str(RefreshToken.for_user(customer).access_token)
    _reset(api_client, mailed, customer.email)
    params = _link(smtp_server.messages[0], "reset-password")
    api_client.post("/api/auth/password/reset/confirm", {**params, "new_password": NEW_PASSWORD})

    assert api_client.get("/api/auth/profile", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 401
