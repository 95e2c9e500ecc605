from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from accounts.tests.conftest import login
from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, SuperuserFactory, UserFactory
from catalog.models import Review
from catalog.tests.factories import ProductFactory
from conftest import client_for
from orders.models import Cart, Order
from orders.tests.factories import CartFactory, OrderFactory

pytestmark = pytest.mark.django_db

STRONG = "Quiet-Lantern-81"


# --- list -----------------------------------------------------------------------


def test_staff_lists_users_newest_first(staff_client, staff, customer):
    response = staff_client.get("/api/auth/users")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [user["id"] for user in body["results"]] == [customer.id, staff.id]
    assert set(body["results"][0]) == {"id", "email", "name", "email_verified", "is_staff", "is_active", "created_at"}


def test_user_list_filters_by_query_and_staff(staff_client, staff):
    UserFactory(email="alice@example.com", name="Alice")
    UserFactory(email="bob@example.com", name="Zorabelle Bob")
    UserFactory(email="carol@example.com", name="Carol")

    by_query = staff_client.get("/api/auth/users", {"q": "ZORAB"}).json()["results"]
    by_email = staff_client.get("/api/auth/users", {"q": "alice@"}).json()["results"]
    staff_only = staff_client.get("/api/auth/users", {"is_staff": "true"}).json()["results"]
    customers = staff_client.get("/api/auth/users", {"is_staff": "false", "q": "example"}).json()["results"]

    assert [user["email"] for user in by_query] == ["bob@example.com"]
    assert [user["email"] for user in by_email] == ["alice@example.com"]
    assert [user["id"] for user in staff_only] == [staff.id]
    assert [user["email"] for user in customers] == ["carol@example.com", "bob@example.com", "alice@example.com"]


def test_user_list_rejects_bad_boolean(staff_client):
    response = staff_client.get("/api/auth/users", {"is_staff": "maybe"})

    assert response.status_code == 400
    assert response.json()["field"] == "is_staff"


def test_user_list_paginates(staff_client):
    UserFactory.create_batch(4)

    body = staff_client.get("/api/auth/users", {"limit": 2, "page": 2}).json()

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["previous"] is not None


@pytest.mark.parametrize("limit", [5, 100])
def test_user_list_runs_fixed_queries(staff_client, django_assert_num_queries, limit):
    UserFactory.create_batch(110)

    # the authenticated user, the count, the page
    with django_assert_num_queries(3):
        response = staff_client.get("/api/auth/users", {"limit": limit})

    assert len(response.json()["results"]) == limit


def test_user_list_is_staff_only(customer_client, api_client):
    assert customer_client.get("/api/auth/users").status_code == 403
    assert api_client.get("/api/auth/users").status_code == 401


# --- create ---------------------------------------------------------------------


def test_superuser_creates_staff_account(superuser_client):
    response = superuser_client.post(
        "/api/auth/users", {"email": "Clerk@Example.com", "password": STRONG, "name": "Clerk", "is_staff": True}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "clerk@example.com"
    assert body["is_staff"] is True
    assert User.objects.get(pk=body["id"]).check_password(STRONG)


def test_create_user_defaults_to_customer(superuser_client):
    response = superuser_client.post("/api/auth/users", {"email": "c@example.com", "password": STRONG})

    assert response.status_code == 201
    assert response.json()["is_staff"] is False


def test_create_user_is_superuser_only(staff_client, customer_client, api_client):
    payload = {"email": "c@example.com", "password": STRONG}

    assert staff_client.post("/api/auth/users", payload).status_code == 403
    assert customer_client.post("/api/auth/users", payload).status_code == 403
    assert api_client.post("/api/auth/users", payload).status_code == 401
    assert not User.objects.filter(email="c@example.com").exists()


def test_create_user_duplicate_email_is_409(superuser_client, customer):
    response = superuser_client.post("/api/auth/users", {"email": customer.email.upper(), "password": STRONG})

    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"


def test_create_user_weak_password_is_400(superuser_client):
    response = superuser_client.post("/api/auth/users", {"email": "c@example.com", "password": "123"})

    assert response.status_code == 400
    assert response.json()["field"] == "password"


# --- retrieve -------------------------------------------------------------------


def test_user_detail_lists_orders_newest_first(customer_client, customer):
    older = OrderFactory(user=customer, total=Decimal("12.50"))
    newer = OrderFactory(user=customer, status="paid")
    Order.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    OrderFactory()  # someone else's

    response = customer_client.get(f"/api/auth/users/{customer.id}")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == customer.email
    assert [order["id"] for order in body["orders"]] == [newer.id, older.id]
    assert body["orders"][1]["total"] == "12.50"
    assert set(body["orders"][0]) == {"id", "status", "total", "created_at"}
    assert body["orders"][0]["status"] == "paid"


def test_user_detail_runs_fixed_queries(staff_client, customer, django_assert_num_queries):
    OrderFactory.create_batch(5, user=customer)

    # the authenticated user, the account, its orders
    with django_assert_num_queries(3):
        response = staff_client.get(f"/api/auth/users/{customer.id}/")

    assert len(response.json()["orders"]) == 5


def test_staff_reads_any_user(staff_client, customer):
    assert staff_client.get(f"/api/auth/users/{customer.id}").status_code == 200


def test_customer_cannot_read_another_user(customer_client):
    other = UserFactory()

    response = customer_client.get(f"/api/auth/users/{other.id}")

    assert response.status_code == 404
    assert response.json() == {"error": "User not found", "code": "not_found"}


def test_unknown_user_is_404(staff_client):
    assert staff_client.get("/api/auth/users/999999").status_code == 404


def test_user_detail_needs_authentication(api_client, customer):
    assert api_client.get(f"/api/auth/users/{customer.id}").status_code == 401


# --- update ---------------------------------------------------------------------


def test_user_updates_own_account(customer_client, customer):
    response = customer_client.put(
        f"/api/auth/users/{customer.id}",
        {"email": "me@example.com", "name": "Me", "current_password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 200
    assert response.json()["message"] == "User updated"
    customer.refresh_from_db()
    assert (customer.email, customer.name) == ("me@example.com", "Me")


def test_put_requires_email(customer_client, customer):
    response = customer_client.put(f"/api/auth/users/{customer.id}", {"name": "Me"})

    assert response.status_code == 400
    assert response.json()["field"] == "email"


def test_patch_changes_password_and_revokes_tokens(customer_client, customer):
    old_refresh = login(APIClient(), customer).json()["refresh"]

    response = customer_client.patch(
        f"/api/auth/users/{customer.id}", {"password": STRONG, "current_password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.check_password(STRONG)
    assert APIClient().post("/api/auth/refresh", {"refresh": old_refresh}).status_code == 401


def test_patch_weak_password_is_400(customer_client, customer):
    response = customer_client.patch(
        f"/api/auth/users/{customer.id}", {"password": "abc", "current_password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "password"
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    "change",
    [{"password": STRONG}, {"email": "thief@example.com"}],
    ids=["password", "email"],
)
def test_own_password_or_email_change_without_current_password_is_400_and_changes_nothing(
    customer_client, customer, method, change
):
    # A stolen access token alone must not buy the account.
    response = getattr(customer_client, method)(f"/api/auth/users/{customer.id}", {"email": customer.email} | change)

    assert response.status_code == 400
    assert response.json()["field"] == "current_password"
    assert response.json()["code"] == "invalid"
    customer.refresh_from_db()
    assert customer.email != "thief@example.com"
    assert customer.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "change",
    [{"password": STRONG}, {"email": "thief@example.com"}],
    ids=["password", "email"],
)
def test_own_password_or_email_change_with_wrong_current_password_is_401_and_changes_nothing(
    customer_client, customer, change
):
    response = customer_client.patch(
        f"/api/auth/users/{customer.id}", change | {"current_password": "Not-The-Password-1"}
    )

    assert response.status_code == 401
    assert response.json() == {
        "error": "Current password is incorrect",
        "code": "wrong_password",
        "field": "current_password",
    }
    customer.refresh_from_db()
    assert customer.email != "thief@example.com"
    assert customer.check_password(DEFAULT_PASSWORD)


def test_wrong_current_passwords_on_account_edits_count_toward_the_sign_in_limit(
    customer_client, customer, throttle_rates
):
    throttle_rates(login="3/min")
    wrong = {"password": STRONG, "current_password": "Not-The-Password-1"}

    statuses = [customer_client.patch(f"/api/auth/users/{customer.id}", wrong).status_code for _ in range(4)]
    right = customer_client.patch(
        f"/api/auth/users/{customer.id}", {"password": STRONG, "current_password": DEFAULT_PASSWORD}
    )

    assert statuses == [401, 401, 401, 429]
    # Locked out now, the right password included, and signing in too.
    assert (right.status_code, right.json()["code"]) == (429, "throttled")
    assert login(APIClient(), customer).status_code == 429
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_own_name_change_needs_no_current_password(customer_client, customer):
    response = customer_client.patch(f"/api/auth/users/{customer.id}", {"name": "Just Me", "email": customer.email})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.name == "Just Me"


def test_staff_change_a_customers_password_and_email_without_their_current_password(staff_client, customer):
    response = staff_client.patch(
        f"/api/auth/users/{customer.id}", {"password": STRONG, "email": "new-address@example.com"}
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.email == "new-address@example.com"
    assert customer.check_password(STRONG)


def test_update_to_taken_email_is_409(staff_client, customer):
    other = UserFactory()

    response = staff_client.patch(f"/api/auth/users/{customer.id}", {"email": other.email})

    assert response.status_code == 409
    assert response.json() == {"error": "Email already exists", "code": "email_taken", "field": "email"}


def test_customer_cannot_update_another_user(customer_client):
    other = UserFactory(name="Untouched")

    response = customer_client.patch(f"/api/auth/users/{other.id}", {"name": "Hacked"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "Untouched"


def test_update_unknown_user_is_404(staff_client):
    assert staff_client.patch("/api/auth/users/999999", {"name": "x"}).status_code == 404


def test_customer_own_update_ignores_privilege_fields(customer_client, customer):
    # The users route takes these fields (superusers may set them); a customer's are ignored.
    response = customer_client.patch(
        f"/api/auth/users/{customer.id}", {"name": "Me", "is_staff": True, "is_active": False}
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.is_staff, customer.is_active) == ("Me", False, True)


def test_staff_cannot_grant_staff_or_disable(staff_client, customer):
    response = staff_client.patch(f"/api/auth/users/{customer.id}", {"is_staff": True, "is_active": False})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_active) == (False, True)


def test_superuser_grants_staff_and_disables(superuser_client, customer):
    refresh = login(APIClient(), customer).json()["refresh"]

    response = superuser_client.patch(f"/api/auth/users/{customer.id}", {"is_staff": True, "is_active": False})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_active) == (True, False)
    assert APIClient().post("/api/auth/refresh", {"refresh": refresh}).status_code == 403
    assert login(APIClient(), customer).status_code == 403
    # the tokens were revoked, not merely refused: enabling the account again does not revive them
    superuser_client.patch(f"/api/auth/users/{customer.id}", {"is_active": True})
    assert APIClient().post("/api/auth/refresh", {"refresh": refresh}).status_code == 401


def test_staff_cannot_take_over_another_staff_account(staff_client):
    admin = SuperuserFactory()
    colleague = StaffFactory()

    for target in (admin, colleague):
        response = staff_client.patch(f"/api/auth/users/{target.id}", {"password": STRONG})
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        target.refresh_from_db()
        assert target.check_password(DEFAULT_PASSWORD)
    assert staff_client.delete(f"/api/auth/users/{colleague.id}").status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()


def test_superuser_updates_staff_account(superuser_client, staff):
    response = superuser_client.patch(f"/api/auth/users/{staff.id}", {"name": "Renamed"})

    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.name == "Renamed"


# --- delete ---------------------------------------------------------------------


def test_user_deletes_own_account_with_cart_reviews_and_tokens(customer):
    # given
    client = APIClient()
    body = login(client, customer).json()
    CartFactory(user=customer)
    Review.objects.create(user=customer, product=ProductFactory(), rating=4, comment="Fine")
    order = OrderFactory(user=customer)

    # when
    response = client_for(customer).delete(f"/api/auth/users/{customer.id}")

    # then
    assert response.status_code == 200
    assert response.json() == {"message": "User deleted"}
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not Cart.objects.exists()
    assert not Review.objects.exists()
    assert not OutstandingToken.objects.filter(jti__isnull=False, user__isnull=True).exists()
    order.refresh_from_db()
    assert order.user_id is None
    assert (order.shipping_full_name, order.shipping_address, order.shipping_phone) == ("", "", "")
    assert APIClient().post("/api/auth/refresh", {"refresh": body["refresh"]}).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert client.get("/api/auth/profile").status_code == 401


def test_staff_deletes_a_customer(staff_client, customer):
    assert staff_client.delete(f"/api/auth/users/{customer.id}").status_code == 200
    assert not User.objects.filter(pk=customer.pk).exists()


def test_customer_cannot_delete_another_user(customer_client):
    other = UserFactory()

    assert customer_client.delete(f"/api/auth/users/{other.id}").status_code == 404
    assert User.objects.filter(pk=other.pk).exists()


def test_delete_needs_authentication(api_client, customer):
    assert api_client.delete(f"/api/auth/users/{customer.id}").status_code == 401
    assert User.objects.filter(pk=customer.pk).exists()
