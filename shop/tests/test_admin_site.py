"""The admin as staff and attackers meet it: sign-in lockouts, its address, its header, what it shows."""

import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, SuperuserFactory
from shop.tests.test_deploy import production_env

LIMIT = 3
ADDRESS = "198.51.100.7"


@pytest.fixture
def admin_limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def admin_sign_in(email: str, password: str, *, address: str = ADDRESS):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("admin:login"), {"username": email, "password": password})
    return client, response


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_failure_at_the_limit_and_every_attempt_after_it_are_refused_for_the_cool_off(admin_limits):
    user = StaffFactory()

    answers = [admin_sign_in(user.email, "wrong-password")[1] for _ in range(LIMIT)]
    client, with_the_right_password = admin_sign_in(user.email, DEFAULT_PASSWORD)

    assert [answer.status_code for answer in answers] == [200] * (LIMIT - 1) + [429]
    assert "correct email" in answers[0].content.decode()
    assert "too many" in answers[-1].content.decode().lower()
    assert with_the_right_password.status_code == 429
    assert not is_signed_in(client)

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        client, after_cool_off = admin_sign_in(user.email, DEFAULT_PASSWORD)
        assert after_cool_off.status_code == 302
        assert is_signed_in(client)


@pytest.mark.django_db
def test_an_address_is_locked_out_whichever_accounts_it_tries(admin_limits):
    users = StaffFactory.create_batch(LIMIT + 1)

    statuses = [admin_sign_in(user.email, "wrong-password")[1].status_code for user in users]

    assert statuses == [200] * (LIMIT - 1) + [429, 429]
    # Another address signs in as usual.
    assert admin_sign_in(users[0].email, DEFAULT_PASSWORD, address="203.0.113.9")[1].status_code == 302


@pytest.mark.django_db
def test_an_account_is_locked_out_from_every_address_and_whatever_case_its_email_is_typed_in(admin_limits):
    user = StaffFactory(email="ada@example.com")

    for n, typed in enumerate(["ada@example.com", "ADA@example.com", "Ada@Example.com"]):
        admin_sign_in(typed, "wrong-password", address=f"203.0.113.{n + 1}")
    _, response = admin_sign_in(user.email, DEFAULT_PASSWORD, address="192.0.2.50")

    assert response.status_code == 429


@pytest.mark.django_db
def test_a_success_forgets_the_accounts_failures(admin_limits):
    user = StaffFactory()
    for _ in range(LIMIT - 1):
        admin_sign_in(user.email, "wrong-password")

    assert admin_sign_in(user.email, DEFAULT_PASSWORD)[1].status_code == 302
    assert admin_sign_in(user.email, "wrong-password")[1].status_code == 200


@pytest.mark.django_db
def test_an_admin_lockout_leaves_the_api_sign_in_alone(admin_limits, api_client):
    user = StaffFactory()
    for _ in range(LIMIT):
        admin_sign_in(user.email, "wrong-password")
    assert admin_sign_in(user.email, DEFAULT_PASSWORD)[1].status_code == 429

    response = api_client.post(
        "/api/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 200
    assert response.json()["access"]


@pytest.mark.django_db
def test_an_api_sign_in_throttle_leaves_the_admin_sign_in_alone(admin_limits, api_client, throttle_rates):
    throttle_rates(login="2/min")
    user = StaffFactory()
    wrong = {"email": user.email, "password": "wrong-password"}
    statuses = [api_client.post("/api/auth/login", wrong, REMOTE_ADDR=ADDRESS).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]

    client, response = admin_sign_in(user.email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_admin_url_comes_from_the_environment():
    script = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    env = production_env(ADMIN_URL="staff-7f3a/", DJANGO_SETTINGS_MODULE="shop.settings")

    moved = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    refused = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=production_env(ADMIN_URL="/admin"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == "/staff-7f3a/"
    assert refused.returncode != 0
    assert "ADMIN_URL is a path such as" in refused.stderr


@pytest.mark.django_db
def test_every_admin_page_carries_the_shop_name(settings, client):
    settings.SHOP_NAME = "Atelier Nord"
    client.force_login(StaffFactory())

    login = Client().get(reverse("admin:login")).content.decode()
    index = client.get(reverse("admin:index")).content.decode()

    for page in (login, index):
        assert "Atelier Nord administration" in page
        assert "<title>" in page and "| Atelier Nord</title>" in page
        assert "Django administration" not in page


@pytest.mark.django_db
def test_groups_and_token_blacklist_are_out_of_the_staffs_way(client):
    staff = StaffFactory()
    # Even granted the permissions, staff other than superusers do not see groups.
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_group", "change_group"]))
    client.force_login(staff)

    index = client.get(reverse("admin:index")).content.decode()
    groups = client.get(reverse("admin:auth_group_changelist"))

    assert "Groups" not in index and "Token blacklist" not in index
    assert groups.status_code == 403
    client.force_login(SuperuserFactory())
    superuser_index = client.get(reverse("admin:index")).content.decode()
    assert "Groups" in superuser_index and "Token blacklist" not in superuser_index
    assert "Outstanding tokens" not in superuser_index
