"""The address book (/api/auth/addresses) and saved addresses at checkout and order creation."""

import pytest

from accounts.models import Address
from accounts.services.addresses import ADDRESS_BOOK_MAX, address_create
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import client_for
from orders.models import Order

pytestmark = pytest.mark.django_db

HOME = {
    "full_name": "Ada Lovelace",
    "address": "1 Analytical Way",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 0000",
}


def _saved(user, **overrides) -> Address:
    fields = HOME | overrides
    return address_create(user=user, **fields)


def test_customer_saves_lists_edits_and_deletes_addresses(customer_client):
    created = customer_client.post("/api/auth/addresses", HOME)
    address_id = created.json()["id"]

    edited = customer_client.patch(f"/api/auth/addresses/{address_id}", {"city": "Cambridge", "is_default": True})
    listed = customer_client.get("/api/auth/addresses")
    deleted = customer_client.delete(f"/api/auth/addresses/{address_id}")

    assert created.status_code == 201
    assert created.json() == {"id": address_id, **HOME, "is_default": False}
    assert edited.status_code == 200
    assert edited.json()["city"] == "Cambridge"
    assert listed.json()["results"] == [{"id": address_id, **HOME, "city": "Cambridge", "is_default": True}]
    assert deleted.status_code == 200
    assert customer_client.get("/api/auth/addresses").json()["count"] == 0


def test_another_users_address_is_404_on_read_edit_and_delete(customer_client):
    theirs = _saved(UserFactory())

    read = customer_client.get(f"/api/auth/addresses/{theirs.pk}")
    edit = customer_client.patch(f"/api/auth/addresses/{theirs.pk}", {"city": "Paris"})
    delete = customer_client.delete(f"/api/auth/addresses/{theirs.pk}")

    assert [read.status_code, edit.status_code, delete.status_code] == [404, 404, 404]
    assert "1 Analytical Way" not in read.content.decode()
    theirs.refresh_from_db()
    assert theirs.city == "London"
    assert customer_client.get("/api/auth/addresses").json()["results"] == []


def test_one_default_at_most(customer, customer_client):
    first = customer_client.post("/api/auth/addresses", HOME | {"is_default": True}).json()
    second = customer_client.post("/api/auth/addresses", HOME | {"city": "Leeds", "is_default": True}).json()

    assert list(Address.objects.filter(user=customer, is_default=True).values_list("id", flat=True)) == [second["id"]]
    customer_client.patch(f"/api/auth/addresses/{first['id']}", {"is_default": True})
    assert list(Address.objects.filter(user=customer, is_default=True).values_list("id", flat=True)) == [first["id"]]


def test_address_input_is_validated(customer_client):
    missing = customer_client.post("/api/auth/addresses", {"full_name": "Ada"})
    bad_country = customer_client.post("/api/auth/addresses", HOME | {"country": "XX"})

    assert missing.status_code == 400
    assert bad_country.status_code == 400
    assert bad_country.json()["field"] == "country"


def test_the_address_book_is_bounded(customer, customer_client):
    Address.objects.bulk_create([Address(user=customer, **HOME) for _ in range(ADDRESS_BOOK_MAX)])

    response = customer_client.post("/api/auth/addresses", HOME)

    assert response.status_code == 409
    assert response.json()["code"] == "address_book_full"


def test_addresses_need_authentication(api_client):
    assert api_client.get("/api/auth/addresses").status_code == 401


def test_checkout_with_a_saved_address_copies_it_into_the_order(customer, customer_client):
    address = _saved(customer)
    product = ProductFactory()
    customer_client.post("/api/cart/items", {"product_id": product.pk, "quantity": 1})

    response = customer_client.post("/api/cart/checkout", {"address_id": address.pk})
    customer_client.patch(f"/api/auth/addresses/{address.pk}", {"address": "2 Difference Engine Road"})

    assert response.status_code == 201
    assert response.json()["order"]["shipping"] == HOME
    order = Order.objects.get(pk=response.json()["order_id"])
    assert order.shipping_address == "1 Analytical Way"


def test_order_creation_takes_a_saved_address(customer, customer_client):
    address = _saved(customer, city="Bath")

    response = customer_client.post(
        "/api/orders",
        {"items": [{"product_id": ProductFactory().pk, "quantity": 1}], "address_id": address.pk},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["order"]["shipping"]["city"] == "Bath"


def test_another_users_address_at_checkout_is_404_and_nothing_is_placed(customer_client):
    theirs = _saved(UserFactory())
    product = ProductFactory()
    customer_client.post("/api/cart/items", {"product_id": product.pk, "quantity": 1})

    checkout = customer_client.post("/api/cart/checkout", {"address_id": theirs.pk})
    order = customer_client.post(
        "/api/orders", {"items": [{"product_id": product.pk, "quantity": 1}], "address_id": theirs.pk}, format="json"
    )

    assert (checkout.status_code, checkout.json()["field"]) == (404, "address_id")
    assert order.status_code == 404
    assert not Order.objects.exists()
    assert customer_client.get("/api/cart").json()["item_count"] == 1


def test_staff_ordering_for_a_customer_use_the_customers_address(staff_client, customer):
    address = _saved(customer, city="York")
    staffs_own = _saved(UserFactory(is_staff=True))
    items = [{"product_id": ProductFactory().pk, "quantity": 1}]

    ok = staff_client.post("/api/orders", {"items": items, "user_id": customer.pk, "address_id": address.pk})
    wrong = staff_client.post("/api/orders", {"items": items, "user_id": customer.pk, "address_id": staffs_own.pk})

    assert ok.status_code == 201
    assert ok.json()["order"]["shipping"]["city"] == "York"
    assert wrong.status_code == 404


def test_checkout_needs_shipping_or_an_address_not_both(customer, customer_client):
    address = _saved(customer)
    customer_client.post("/api/cart/items", {"product_id": ProductFactory().pk, "quantity": 1})

    neither = customer_client.post("/api/cart/checkout", {}, format="json")
    both = customer_client.post("/api/cart/checkout", {"shipping": HOME, "address_id": address.pk}, format="json")

    assert (neither.status_code, neither.json()["field"]) == (400, "shipping")
    assert (both.status_code, both.json()["field"]) == (400, "address_id")


def test_checkout_of_an_unverified_account_is_403_when_verification_is_required(customer, settings):
    settings.REQUIRE_VERIFIED_EMAIL = True
    verified = UserFactory(email_verified=True)
    product = ProductFactory()
    body = {"items": [{"product_id": product.pk, "quantity": 1}], "shipping": HOME}

    refused = client_for(customer).post("/api/orders", body, format="json")
    client_for(customer).post("/api/cart/items", {"product_id": product.pk, "quantity": 1})
    refused_checkout = client_for(customer).post("/api/cart/checkout", {"shipping": HOME}, format="json")
    accepted = client_for(verified).post("/api/orders", body, format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "email_not_verified")
    assert (refused_checkout.status_code, refused_checkout.json()["code"]) == (403, "email_not_verified")
    assert accepted.status_code == 201


def test_unverified_accounts_check_out_when_verification_is_not_required(customer_client):
    response = customer_client.post(
        "/api/orders", {"items": [{"product_id": ProductFactory().pk, "quantity": 1}], "shipping": HOME}, format="json"
    )

    assert response.status_code == 201
