import pytest
from django.core.management import call_command

from accounts import demo
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_ensure_admin_creates_superuser_with_printed_password(settings, capsys):
    settings.ADMIN_EMAIL = ""
    settings.ADMIN_PASSWORD = ""

    call_command("ensure_admin")

    out = capsys.readouterr().out
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    password = out.split("Password: ")[1].split()[0]
    assert admin.check_password(password)


def test_ensure_admin_keeps_password_on_second_run(settings, capsys):
    settings.ADMIN_EMAIL = ""
    settings.ADMIN_PASSWORD = ""
    call_command("ensure_admin")
    hashed = User.objects.get(email="admin@example.com").password

    call_command("ensure_admin")

    assert "already exists" in capsys.readouterr().out
    assert User.objects.get(email="admin@example.com").password == hashed


def test_ensure_admin_sets_password_from_settings(settings):
    settings.ADMIN_EMAIL = "Boss@Example.com"
    settings.ADMIN_PASSWORD = "Set-By-Operator-7"
    User.objects.create_user("boss@example.com", "old", is_active=False)

    call_command("ensure_admin")

    admin = User.objects.get(email="boss@example.com")
    assert admin.is_superuser and admin.is_active
    assert admin.check_password("Set-By-Operator-7")


def test_demo_seed_is_idempotent():
    first = demo.seed()
    second = demo.seed()

    assert first.startswith("2 demo customers added")
    assert second.startswith("0 demo customers added")
    assert demo.DEMO_PASSWORD in second
    customer = User.objects.get(email="customer@example.com")
    assert customer.check_password(demo.DEMO_PASSWORD)
    assert not customer.is_staff
    assert User.objects.count() == 2


def test_demo_customer_can_sign_in(api_client):
    demo.seed()

    response = api_client.post("/api/auth/login", {"email": "customer@example.com", "password": demo.DEMO_PASSWORD})

    assert response.status_code == 200
