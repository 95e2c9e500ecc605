import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Address, User
from accounts.tests.factories import StaffFactory, UserFactory
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

STRONG = "Quiet-Lantern-81"


@pytest.fixture
def admin_browser(superuser) -> Client:
    browser = Client()
    browser.force_login(superuser)
    return browser


# The management forms of the customer page's inlines (addresses, orders), changing none of their rows.
NO_INLINE_CHANGES = {
    f"{prefix}-{field}": "0" for prefix in ("addresses", "orders") for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def test_user_list_searches_email_and_name(admin_browser):
    UserFactory(email="findme@example.com", name="Plain")
    UserFactory(email="other@example.com", name="Zorabelle")
    UserFactory(email="nobody@example.com", name="Nobody")

    by_email = admin_browser.get("/admin/accounts/user/", {"q": "findme"})
    by_name = admin_browser.get("/admin/accounts/user/", {"q": "zorab"})

    assert by_email.status_code == 200
    assert "findme@example.com" in by_email.text
    assert "nobody@example.com" not in by_email.text
    assert "other@example.com" in by_name.text
    assert "findme@example.com" not in by_name.text


def test_user_list_filters_staff_and_active(admin_browser):
    UserFactory(email="gone@example.com", is_active=False)
    UserFactory(email="here@example.com")

    response = admin_browser.get("/admin/accounts/user/", {"is_active__exact": "0"})

    assert "gone@example.com" in response.text
    assert "here@example.com" not in response.text
    assert admin_browser.get("/admin/accounts/user/", {"is_staff__exact": "1"}).status_code == 200


def test_user_list_runs_fixed_queries(admin_browser, django_assert_max_num_queries):
    UserFactory.create_batch(30)

    with django_assert_max_num_queries(12):
        assert admin_browser.get("/admin/accounts/user/").status_code == 200


def test_change_form_never_shows_the_password_hash(admin_browser, customer):
    response = admin_browser.get(f"/admin/accounts/user/{customer.pk}/change/")

    assert response.status_code == 200
    assert customer.password not in response.text
    assert customer.password.split("$")[-1] not in response.text
    assert "pbkdf2" not in response.text.lower()
    assert f"/admin/accounts/user/{customer.pk}/password/" in response.text


def test_add_form_creates_user_with_lowercased_email(admin_browser):
    response = admin_browser.post(
        "/admin/accounts/user/add/",
        {
            "email": "Added@Example.com",
            "name": "Added",
            "usable_password": "true",
            "password1": STRONG,
            "password2": STRONG,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="added@example.com")
    assert user.check_password(STRONG)
    assert STRONG not in admin_browser.get(f"/admin/accounts/user/{user.pk}/change/").text


def test_change_form_saves_without_touching_the_password(admin_browser, customer):
    hashed = customer.password

    response = admin_browser.post(
        f"/admin/accounts/user/{customer.pk}/change/",
        {"email": customer.email, "name": "Renamed", "is_active": "on", **NO_INLINE_CHANGES},
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Renamed"
    assert customer.password == hashed


def test_staff_without_superuser_cannot_edit_another_staff_account(customer):
    clerk = StaffFactory()
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user", "delete_user"]))
    colleague = StaffFactory()
    browser = Client()
    browser.force_login(clerk)

    assert browser.get(f"/admin/accounts/user/{customer.pk}/change/").status_code == 200
    assert browser.get(f"/admin/accounts/user/{colleague.pk}/password/").status_code == 403
    browser.post(
        f"/admin/accounts/user/{customer.pk}/change/",
        {"email": customer.email, "name": "Edited", "is_staff": "on", "is_superuser": "on", **NO_INLINE_CHANGES},
    )
    customer.refresh_from_db()
    assert (customer.name, customer.is_staff, customer.is_superuser) == ("Edited", False, False)


def test_admin_delete_removes_tokens_through_the_service(admin_browser, customer):
    RefreshToken.for_user(customer)

    response = admin_browser.post(f"/admin/accounts/user/{customer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not OutstandingToken.objects.exists()


def test_customer_page_shows_their_addresses_and_orders(admin_browser, customer):
    Address.objects.create(user=customer, full_name="Ada", address="12 Quai Voltaire", city="Paris", country="FR")
    order = OrderFactory(user=customer, tracking_number="TRACK-77")
    OrderFactory(tracking_number="SOMEONE-ELSE")

    page = admin_browser.get(f"/admin/accounts/user/{customer.pk}/change/").content.decode()

    assert "12 Quai Voltaire" in page
    assert "TRACK-77" in page
    assert f"/admin/orders/order/{order.pk}/change/" in page
    assert "SOMEONE-ELSE" not in page
