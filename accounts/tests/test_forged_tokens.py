import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

pytestmark = pytest.mark.django_db


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _claims_of(user) -> dict:
    return dict(RefreshToken.for_user(user).access_token.payload)


def _profile_with(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/auth/profile")


def test_alg_none_token_is_refused(customer):
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims_of(customer))}."

    assert _profile_with(token).status_code == 401


def test_token_signed_with_another_key_is_refused(customer):
    token = jwt.encode(_claims_of(customer), "not-the-server-key-but-long-enough-for-hs256", algorithm="HS256")

    assert _profile_with(token).status_code == 401


def test_token_claiming_another_user_is_refused(customer, staff):
    claims = _claims_of(customer) | {"user_id": str(staff.id)}
    token = jwt.encode(claims, "not-the-server-key-but-long-enough-for-hs256", algorithm="HS256")

    assert _profile_with(token).status_code == 401


def test_refresh_token_as_bearer_is_refused(customer):
    response = _profile_with(str(RefreshToken.for_user(customer)))

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_expired_access_token_is_refused(customer):
    token = AccessToken.for_user(customer)
    token.set_exp(lifetime=-timedelta(minutes=1))

    assert _profile_with(str(token)).status_code == 401


def test_expired_refresh_token_is_refused(customer):
    token = RefreshToken.for_user(customer)
    token.set_exp(lifetime=-timedelta(minutes=1))

    response = APIClient().post("/api/auth/refresh", {"refresh": str(token)})

    assert response.status_code == 401


def test_refresh_token_signed_with_another_key_is_refused(customer):
    claims = dict(RefreshToken.for_user(customer).payload)
    token = jwt.encode(claims, "not-the-server-key-but-long-enough-for-hs256", algorithm="HS256")

    assert APIClient().post("/api/auth/refresh", {"refresh": token}).status_code == 401


def test_token_with_tampered_payload_is_refused(customer, staff):
    header, _, signature = str(AccessToken.for_user(customer)).split(".")
    forged_claims = _b64(_claims_of(customer) | {"user_id": str(staff.id)})

    assert _profile_with(f"{header}.{forged_claims}.{signature}").status_code == 401


def test_genuine_token_is_accepted(customer):
    # The forgeries above differ from this only in what they forge.
    token = jwt.encode(_claims_of(customer), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")

    assert _profile_with(token).status_code == 200
