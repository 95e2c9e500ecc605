from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.tests.conftest import login
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Quiet-Lantern-81"


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# --- register -------------------------------------------------------------------


def test_register_creates_customer_and_signs_in(api_client):
    response = api_client.post("/api/auth/register", {"email": "New@Example.com", "password": STRONG, "name": "Ann"})

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "User registered"
    assert body["user"]["email"] == "new@example.com"
    assert body["user"]["name"] == "Ann"
    assert body["user"]["is_staff"] is False
    user = User.objects.get(email="new@example.com")
    assert user.check_password(STRONG)
    assert bearer(body["access"]).get("/api/auth/profile").json()["user"]["id"] == user.id
    assert response.cookies["refresh_token"].value == body["refresh"]
    assert api_client.post("/api/auth/refresh", {"refresh": body["refresh"]}).status_code == 200


def test_register_without_name_and_trailing_slash(api_client):
    response = api_client.post("/api/auth/register/", {"email": "plain@example.com", "password": STRONG})

    assert response.status_code == 201
    assert response.json()["user"]["name"] == ""


def test_register_duplicate_email_ignores_case(api_client, customer):
    response = api_client.post("/api/auth/register", {"email": customer.email.upper(), "password": STRONG})

    assert response.status_code == 409
    assert response.json() == {"error": "Email already exists", "code": "email_taken", "field": "email"}
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "newcomer@example.com"])
def test_register_rejects_weak_password(api_client, password):
    response = api_client.post("/api/auth/register", {"email": "newcomer@example.com", "password": password})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == "password"
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": STRONG}, "email"),
        ({"password": STRONG}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": STRONG, "name": "x" * 151}, "name"),
    ],
)
def test_register_rejects_bad_input(api_client, payload, field):
    response = api_client.post("/api/auth/register", payload)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not User.objects.exists()


def test_register_rejects_malformed_json(api_client):
    response = api_client.post("/api/auth/register", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_register_refuses_privilege_fields(api_client):
    payload = {"email": "sneaky@example.com", "password": STRONG, "is_staff": True, "is_superuser": True}
    response = api_client.post("/api/auth/register", payload | {"is_active": False})

    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert set(response.json()["details"]) == {"is_staff", "is_superuser", "is_active"}
    assert not User.objects.filter(email="sneaky@example.com").exists()


# --- login ----------------------------------------------------------------------


def test_login_returns_tokens_user_and_refresh_cookie(api_client, customer):
    response = login(api_client, customer)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"message", "token", "access", "refresh", "user"}
    assert body["token"] == body["access"]
    assert body["user"] == {
        "id": customer.id,
        "email": customer.email,
        "name": customer.name,
        "email_verified": False,
        "is_staff": False,
    }
    cookie = response.cookies["refresh_token"]
    assert cookie.value == body["refresh"]
    assert cookie["httponly"] is True
    assert cookie["path"] == "/api/auth/"
    assert cookie["samesite"] == "Lax"
    assert bearer(body["token"]).get("/api/auth/profile").status_code == 200
    customer.refresh_from_db()
    assert customer.last_login is not None


def test_login_cookie_follows_settings(api_client, customer, settings):
    settings.REFRESH_COOKIE_SECURE = True
    settings.REFRESH_COOKIE_SAMESITE = "Strict"

    cookie = login(api_client, customer).cookies["refresh_token"]

    assert cookie["secure"] is True
    assert cookie["samesite"] == "Strict"


def test_login_email_is_case_insensitive(api_client, customer):
    response = api_client.post(
        "/api/auth/login", {"email": f"  {customer.email.upper()}", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("email", ["user-does-not-exist@example.com", None])
def test_login_wrong_credentials_are_401(api_client, customer, email):
    response = api_client.post("/api/auth/login", {"email": email or customer.email, "password": "Wrong-Password-1"})

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid credentials", "code": "invalid_credentials"}
    assert "refresh_token" not in response.cookies


def test_login_disabled_account_is_403(api_client):
    user = UserFactory(is_active=False)

    response = login(api_client, user)

    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"
    assert not OutstandingToken.objects.filter(user=user).exists()


def test_login_disabled_account_with_wrong_password_is_401(api_client):
    user = UserFactory(is_active=False)

    response = login(api_client, user, password="Wrong-Password-1")

    assert response.status_code == 401


@pytest.mark.parametrize(("payload", "field"), [({"password": "x"}, "email"), ({"email": "a@example.com"}, "password")])
def test_login_missing_fields_are_400(api_client, payload, field):
    response = api_client.post("/api/auth/login", payload)

    assert response.status_code == 400
    assert response.json()["field"] == field


def test_login_ignores_stale_bearer_header(api_client, customer):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert login(api_client, customer).status_code == 200


# --- refresh --------------------------------------------------------------------


def test_refresh_from_body_rotates_and_blacklists(api_client, refresh_token):
    response = api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert body["refresh"] != refresh_token
    assert response.cookies["refresh_token"].value == body["refresh"]
    assert BlacklistedToken.objects.filter(token__token=refresh_token).exists()
    assert bearer(body["access"]).get("/api/auth/profile").status_code == 200


def test_refresh_from_cookie(customer):
    client = APIClient()
    login(client, customer)  # the client keeps the cookie, as a browser does

    response = client.post("/api/auth/refresh")

    assert response.status_code == 200
    assert client.post("/api/auth/refresh").status_code == 200


def test_refused_refresh_clears_the_cookie(customer):
    client = APIClient()
    login(client, customer)
    client.cookies["refresh_token"] = client.cookies["refresh_token"].value + "tampered"

    response = client.post("/api/auth/refresh")

    assert response.status_code == 401
    assert response.cookies["refresh_token"].value == ""


def test_refresh_without_token_is_401(api_client):
    response = api_client.post("/api/auth/refresh", {})

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
def test_refresh_with_invalid_token_is_401(api_client, token):
    response = api_client.post("/api/auth/refresh", {"refresh": token})

    assert response.status_code == 401


def test_refresh_with_access_token_is_401(api_client, customer):
    access = login(api_client, customer).json()["access"]

    response = api_client.post("/api/auth/refresh", {"refresh": access})

    assert response.status_code == 401


def test_rotated_refresh_token_reused_after_the_window_revokes_every_session(
    api_client, customer, refresh_token, time_machine, settings
):
    # given: a second device signed in, and the first rotated its token
    settings.JWT_REFRESH_REUSE_SECONDS = 10
    time_machine.move_to(timezone.now())
    other_device = login(APIClient(), customer).json()["refresh"]
    rotated = api_client.post("/api/auth/refresh", {"refresh": refresh_token}).json()["refresh"]

    # when: the old token is presented again once the window has passed (someone copied it)
    time_machine.shift(timedelta(seconds=11))
    response = api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    # then
    assert response.status_code == 401
    assert response.json()["code"] == "token_reused"
    assert api_client.post("/api/auth/refresh", {"refresh": rotated}).status_code == 401
    assert api_client.post("/api/auth/refresh", {"refresh": other_device}).status_code == 401
    assert not OutstandingToken.objects.filter(user=customer, blacklistedtoken__isnull=True).exists()


def test_refresh_reused_within_the_window_returns_the_same_pair(
    api_client, customer, refresh_token, time_machine, settings
):
    # given: one tab refreshed; the other tab still holds the old cookie
    settings.JWT_REFRESH_REUSE_SECONDS = 10
    time_machine.move_to(timezone.now())
    other_device = login(APIClient(), customer).json()["refresh"]
    first = api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    # when
    time_machine.shift(timedelta(seconds=9))
    second = APIClient().post("/api/auth/refresh", {"refresh": refresh_token})

    # then: the second tab gets exactly what the first got, and no session is lost
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second.cookies["refresh_token"].value == first.json()["refresh"]
    assert bearer(second.json()["access"]).get("/api/auth/profile").status_code == 200
    assert OutstandingToken.objects.filter(user=customer, blacklistedtoken__isnull=True).count() == 2
    assert api_client.post("/api/auth/refresh", {"refresh": first.json()["refresh"]}).status_code == 200
    assert api_client.post("/api/auth/refresh", {"refresh": other_device}).status_code == 200


def test_refresh_reused_within_the_window_after_logout_is_refused(api_client, customer, refresh_token):
    # given: the first tab refreshed, then signed out
    other_device = login(APIClient(), customer).json()["refresh"]
    rotated = api_client.post("/api/auth/refresh", {"refresh": refresh_token}).json()["refresh"]
    api_client.post("/api/auth/logout", {"refresh": rotated})

    # when
    response = APIClient().post("/api/auth/refresh", {"refresh": refresh_token})

    # then: the signed-out pair is not handed out again, and nothing else is revoked
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert api_client.post("/api/auth/refresh", {"refresh": other_device}).status_code == 200


def test_refresh_reuse_window_zero_makes_every_reuse_theft(api_client, customer, refresh_token, settings):
    settings.JWT_REFRESH_REUSE_SECONDS = 0
    api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    response = api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    assert response.status_code == 401
    assert response.json()["code"] == "token_reused"
    assert not OutstandingToken.objects.filter(user=customer, blacklistedtoken__isnull=True).exists()


def test_refresh_of_disabled_account_is_403(api_client, customer, refresh_token):
    User.objects.filter(pk=customer.pk).update(is_active=False)

    response = api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"


def test_refresh_of_account_disabled_by_a_superuser_is_403(superuser_client, customer):
    # given: the storefront holds the cookie; a superuser disables the account (which revokes its tokens)
    client = APIClient()
    login(client, customer)
    assert superuser_client.patch(f"/api/auth/users/{customer.id}", {"is_active": False}).status_code == 200

    # when
    response = client.post("/api/auth/refresh")

    # then: "account disabled", not "session expired", and the dead cookie is cleared
    assert response.status_code == 403
    assert response.json() == {"error": "This account is disabled", "code": "account_disabled"}
    assert response.cookies["refresh_token"].value == ""


def test_refresh_of_deleted_account_is_401(api_client, customer, refresh_token):
    customer.delete()

    assert api_client.post("/api/auth/refresh", {"refresh": refresh_token}).status_code == 401


# --- logout ---------------------------------------------------------------------


def test_logout_blacklists_body_token_and_clears_cookie(api_client, refresh_token):
    response = api_client.post("/api/auth/logout", {"refresh": refresh_token})

    assert response.status_code == 200
    assert response.json() == {"message": "Logged out"}
    cookie = response.cookies["refresh_token"]
    assert cookie.value == ""
    assert cookie["path"] == "/api/auth/"
    assert cookie["max-age"] == 0
    refused = api_client.post("/api/auth/refresh", {"refresh": refresh_token})
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_logout_by_get_with_cookie(customer):
    client = APIClient()
    refresh = login(client, customer).json()["refresh"]

    response = client.get("/api/auth/logout")

    assert response.status_code == 200
    assert APIClient().post("/api/auth/refresh", {"refresh": refresh}).status_code == 401


def test_logged_out_token_does_not_revoke_other_sessions(api_client, customer, refresh_token):
    other_device = login(APIClient(), customer).json()["refresh"]
    api_client.post("/api/auth/logout", {"refresh": refresh_token})

    api_client.post("/api/auth/refresh", {"refresh": refresh_token})

    assert api_client.post("/api/auth/refresh", {"refresh": other_device}).status_code == 200


@pytest.mark.parametrize("payload", [{}, {"refresh": "garbage"}, {"refresh": 42}, []])
def test_logout_never_fails(api_client, payload):
    response = api_client.post("/api/auth/logout", payload, format="json")

    assert response.status_code == 200
    assert response.json() == {"message": "Logged out"}


def test_logout_with_malformed_json_still_logs_out(customer):
    client = APIClient()
    refresh = login(client, customer).json()["refresh"]

    response = client.post("/api/auth/logout", "{oops", content_type="application/json")

    assert response.status_code == 200
    assert APIClient().post("/api/auth/refresh", {"refresh": refresh}).status_code == 401


def test_logout_twice_is_fine(api_client, refresh_token):
    api_client.post("/api/auth/logout", {"refresh": refresh_token})

    assert api_client.post("/api/auth/logout", {"refresh": refresh_token}).status_code == 200


# --- profile --------------------------------------------------------------------


def test_profile_returns_the_user(customer_client, customer):
    response = customer_client.get("/api/auth/profile")

    assert response.status_code == 200
    assert response.json() == {
        "user": {
            "id": customer.id,
            "email": customer.email,
            "name": customer.name,
            "email_verified": False,
            "is_staff": False,
            "is_active": True,
            "created_at": customer.created_at.isoformat().replace("+00:00", "Z"),
        }
    }


@pytest.mark.parametrize("method", ["get", "patch"])
def test_profile_needs_authentication(api_client, method):
    response = getattr(api_client, method)("/api/auth/profile", {})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_profile_update_changes_name_and_email(customer_client, customer):
    response = customer_client.patch(
        "/api/auth/profile",
        {"name": "Renamed", "email": "Renamed@Example.com", "current_password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 200
    assert response.json()["user"]["email"] == "renamed@example.com"
    customer.refresh_from_db()
    assert (customer.name, customer.email) == ("Renamed", "renamed@example.com")


def test_profile_update_to_taken_email_is_409(customer_client, customer):
    other = UserFactory()

    response = customer_client.patch(
        "/api/auth/profile", {"email": other.email.upper(), "current_password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 409
    assert response.json()["field"] == "email"
    customer.refresh_from_db()
    assert customer.email != other.email


def test_profile_email_change_without_current_password_is_400_and_changes_nothing(customer_client, customer):
    response = customer_client.patch("/api/auth/profile", {"email": "thief@example.com"})

    assert response.status_code == 400
    assert response.json()["field"] == "current_password"
    customer.refresh_from_db()
    assert customer.email != "thief@example.com"


def test_profile_email_change_with_wrong_current_password_is_401_and_counted(customer_client, customer, throttle_rates):
    throttle_rates(login="2/min")
    wrong = {"email": "thief@example.com", "current_password": "Not-The-Password-1"}

    statuses = [customer_client.patch("/api/auth/profile", wrong).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]
    customer.refresh_from_db()
    assert customer.email != "thief@example.com"


def test_profile_update_rejects_bad_email(customer_client):
    response = customer_client.patch("/api/auth/profile", {"email": "nope"})

    assert response.status_code == 400
    assert response.json()["field"] == "email"


def test_profile_update_refuses_privilege_fields(customer_client, customer):
    name = customer.name
    response = customer_client.patch(
        "/api/auth/profile", {"name": "Still me", "is_staff": True, "is_superuser": True, "is_active": False}
    )

    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    customer.refresh_from_db()
    assert (customer.name, customer.is_staff, customer.is_superuser, customer.is_active) == (name, False, False, True)


# --- password -------------------------------------------------------------------


def test_password_change_revokes_every_refresh_token(customer):
    # given: two signed-in devices
    first, second = APIClient(), APIClient()
    first_body = login(first, customer).json()
    second_refresh = login(second, customer).json()["refresh"]

    # when
    response = bearer(first_body["access"]).post(
        "/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": STRONG}
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Password changed"
    customer.refresh_from_db()
    assert customer.check_password(STRONG)
    for old in (first_body["refresh"], second_refresh):
        assert APIClient().post("/api/auth/refresh", {"refresh": old}).status_code == 401
    assert bearer(first_body["access"]).get("/api/auth/profile").status_code == 401
    assert bearer(body["access"]).get("/api/auth/profile").status_code == 200
    assert APIClient().post("/api/auth/refresh", {"refresh": body["refresh"]}).status_code == 200
    assert login(APIClient(), customer, password=STRONG).status_code == 200


def test_password_change_with_wrong_current_password_is_401(customer_client, customer):
    response = customer_client.post("/api/auth/password", {"current_password": "Wrong-One-99", "new_password": STRONG})

    assert response.status_code == 401
    assert response.json()["code"] == "wrong_password"
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_password_change_to_weak_password_is_400(customer_client, customer):
    response = customer_client.post("/api/auth/password", {"current_password": DEFAULT_PASSWORD, "new_password": "abc"})

    assert response.status_code == 400
    assert response.json()["field"] == "new_password"
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_password_change_needs_authentication(api_client):
    response = api_client.post("/api/auth/password", {"current_password": "a", "new_password": STRONG})

    assert response.status_code == 401


def test_password_change_missing_field_is_400(customer_client):
    response = customer_client.post("/api/auth/password", {"new_password": STRONG})

    assert response.status_code == 400
    assert response.json()["field"] == "current_password"
