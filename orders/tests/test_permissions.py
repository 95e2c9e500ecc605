"""orders/permissions.py judges the validated input: a malformed body is a 400 naming its field, even
when it also carries something only staff may send."""

from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import OrderFactory


def test_a_customers_malformed_order_with_a_staff_only_status_is_a_400_not_a_403(customer_client):
    response = customer_client.post("/api/orders", {"items": [], "status": "paid"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "items"
    assert not Order.objects.exists()


def test_a_customer_sending_their_own_id_places_the_order(customer_client, customer):
    product = ProductFactory(quantity=2)

    response = customer_client.post(
        "/api/orders", {"items": [{"product_id": product.pk, "quantity": 1}], "user_id": customer.pk}, format="json"
    )

    assert response.status_code == 201
    assert Order.objects.get().user == customer


def test_a_customers_patch_with_a_bad_status_is_a_400_before_the_staff_check(customer_client, customer):
    order = OrderFactory(user=customer)

    response = customer_client.patch(f"/api/orders/{order.pk}", {"status": "no-such-status"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "status"


def test_a_customer_may_cancel_but_not_set_a_tracking_number(customer_client, customer):
    order = OrderFactory(user=customer)

    refused = customer_client.patch(f"/api/orders/{order.pk}", {"tracking_number": "TRK1"}, format="json")

    assert (refused.status_code, refused.json()) == (
        403,
        {"error": "Only staff may set a tracking number.", "code": "permission_denied"},
    )
    order.refresh_from_db()
    assert order.tracking_number == ""


def test_another_users_order_is_a_404_before_any_input_check(customer_client):
    order = OrderFactory()

    response = customer_client.patch(f"/api/orders/{order.pk}", {"tracking_number": "TRK1"}, format="json")

    assert response.status_code == 404
