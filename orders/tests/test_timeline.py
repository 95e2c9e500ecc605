from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from catalog.errors import OutOfStock
from catalog.tests.factories import ProductFactory
from conftest import client_for
from orders.errors import IllegalStatusTransition
from orders.models import OrderEvent, OrderEventType, OrderStatus
from orders.services.cart import cart_checkout
from orders.services.events import order_event_record, order_note_add
from orders.services.lines import OrderLine
from orders.services.orders import (
    Shipping,
    order_fulfilment_update,
    order_place,
    order_status_change,
    order_update,
)
from orders.tests.factories import CartFactory, CartItemFactory
from payments.services.payments import payment_create

pytestmark = pytest.mark.django_db


def _events(order) -> list[tuple[str, int | None]]:
    return list(OrderEvent.objects.filter(order=order).order_by("id").values_list("type", "actor_id"))


@pytest.fixture
def product():
    return ProductFactory(price=Decimal("20.00"), quantity=50)


@pytest.fixture
def placed(customer, product):
    return order_place(user=customer, lines=[OrderLine(product.pk, 2)])


def test_placing_an_order_writes_placed_by_the_customer(customer, product):
    order = order_place(user=customer, lines=[OrderLine(product.pk, 2)])

    assert _events(order) == [(OrderEventType.PLACED, customer.pk)]
    event = order.events.get()
    assert event.customer_visible
    assert event.data == {"status": "pending", "total": "40.00"}


def test_staff_placing_for_a_customer_is_the_actor(customer, staff, product):
    order = order_place(user=customer, lines=[OrderLine(product.pk, 1)], actor=staff)

    assert _events(order) == [(OrderEventType.PLACED, staff.pk)]


def test_checkout_writes_placed(customer, product):
    CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=1)

    order = cart_checkout(user=customer, shipping=Shipping(full_name="Ann"))

    assert _events(order) == [(OrderEventType.PLACED, customer.pk)]


def test_status_change_writes_who_moved_it_from_what_to_what(placed, staff):
    order_status_change(order=placed, status=OrderStatus.CANCELLED, actor=staff)

    event = placed.events.get(type=OrderEventType.STATUS_CHANGED)
    assert (event.actor, event.data, event.customer_visible) == (staff, {"from": "pending", "to": "cancelled"}, True)
    assert event.message == "Status changed from pending to cancelled."


def test_refused_status_change_writes_nothing(placed, staff):
    with pytest.raises(IllegalStatusTransition):
        order_status_change(order=placed, status=OrderStatus.DELIVERED, actor=staff)

    assert _events(placed) == [(OrderEventType.PLACED, placed.user_id)]


def test_payment_writes_payment_recorded_then_the_move_to_paid(placed, customer):
    payment = payment_create(actor=customer, order_id=placed.pk, amount=Decimal("40.00"), method="card")

    assert _events(placed)[1:] == [
        (OrderEventType.PAYMENT_RECORDED, customer.pk),
        (OrderEventType.STATUS_CHANGED, customer.pk),
    ]
    recorded = placed.events.get(type=OrderEventType.PAYMENT_RECORDED)
    assert recorded.data == {"payment_id": payment.pk, "amount": "40.00", "method": "card", "reference": ""}


def test_partial_payment_does_not_move_the_status(placed, customer):
    payment_create(actor=customer, order_id=placed.pk, amount=Decimal("10.00"), method="card")

    assert [event_type for event_type, _ in _events(placed)] == [OrderEventType.PLACED, OrderEventType.PAYMENT_RECORDED]


def test_replacing_items_writes_items_changed(placed, customer, product):
    order_update(order=placed, lines=[OrderLine(product.pk, 3)], by_staff=False, actor=customer)

    event = placed.events.get(type=OrderEventType.ITEMS_CHANGED)
    assert (event.actor, event.data) == (customer, {"total": "60.00", "lines": 1})


def test_tracking_number_writes_tracking_updated_once(placed, staff):
    order_fulfilment_update(order=placed, tracking_number="TRK-9", actor=staff)
    order_fulfilment_update(order=placed, tracking_number="TRK-9", actor=staff)

    assert _events(placed)[1:] == [(OrderEventType.TRACKING_UPDATED, staff.pk)]


def test_a_failed_change_leaves_no_event(placed, customer, product):
    with pytest.raises(OutOfStock):
        order_update(order=placed, lines=[OrderLine(product.pk, 10_000)], by_staff=False, actor=customer)

    assert _events(placed) == [(OrderEventType.PLACED, customer.pk)]


def test_hook_types_of_later_issues_are_recorded_with_their_visibility(placed):
    order_event_record(order=placed, type=OrderEventType.REFUND, message="Refunded 5.00")
    order_event_record(order=placed, type=OrderEventType.NEEDS_ATTENTION, message="Paid after expiry")

    visible = dict(placed.events.values_list("type", "customer_visible"))
    assert visible[OrderEventType.REFUND] is True
    assert visible[OrderEventType.NEEDS_ATTENTION] is False


# --- API ----------------------------------------------------------------------


def _events_url(order) -> str:
    return f"/api/orders/{order.pk}/events"


def test_owner_sees_customer_facing_events_oldest_first_without_staff_notes(placed, customer, staff):
    order_status_change(order=placed, status=OrderStatus.CANCELLED, actor=staff)
    order_note_add(order=placed, author=staff, content="Customer sounded upset")
    order_note_add(order=placed, author=staff, content="We refunded the shipping", customer_visible=True)

    response = client_for(customer).get(_events_url(placed))

    assert response.status_code == 200
    body = response.json()["results"]
    assert [event["type"] for event in body] == ["placed", "status_changed", "note_added"]
    assert body[2]["message"] == "We refunded the shipping"
    assert "Customer sounded upset" not in response.text
    assert body[1]["actor"] == {"id": staff.pk, "name": staff.name, "is_staff": True}
    assert set(body[0]) == {"id", "type", "message", "actor", "data", "created_at"}


def test_staff_see_every_event(placed, staff, staff_client):
    order_note_add(order=placed, author=staff, content="Check the address")

    body = staff_client.get(_events_url(placed)).json()["results"]

    assert [event["type"] for event in body] == ["placed", "note_added"]
    assert body[1]["message"] == "Check the address"


def test_another_customers_order_timeline_is_404(placed):
    response = client_for(UserFactory()).get(_events_url(placed))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_timeline_needs_a_login(placed, api_client):
    assert api_client.get(_events_url(placed)).status_code == 401


def test_timeline_query_count_does_not_grow_with_events(placed, staff, staff_client, django_assert_num_queries):
    for number in range(5):
        order_note_add(order=placed, author=StaffFactory(), content=f"note {number}")

    with django_assert_num_queries(5):
        response = staff_client.get(_events_url(placed))

    assert len(response.json()["results"]) == 6


def test_staff_add_a_note_and_get_the_event(placed, staff, staff_client):
    response = staff_client.post(
        f"/api/orders/{placed.pk}/notes", {"content": "Gift wrap please", "customer_visible": True}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["type"], body["message"], body["actor"]["id"]) == ("note_added", "Gift wrap please", staff.pk)
    assert placed.events.get(pk=body["id"]).customer_visible


def test_a_note_is_staff_only_by_default(placed, staff_client):
    response = staff_client.post(f"/api/orders/{placed.pk}/notes", {"content": "internal"}, format="json")

    assert response.status_code == 201
    assert not placed.events.get(pk=response.json()["id"]).customer_visible


def test_customer_cannot_add_a_note_to_their_order(placed, customer):
    response = client_for(customer).post(f"/api/orders/{placed.pk}/notes", {"content": "hi"}, format="json")

    assert response.status_code == 403
    assert not placed.events.filter(type=OrderEventType.NOTE_ADDED).exists()


def test_empty_note_is_400_and_writes_nothing(placed, staff_client):
    response = staff_client.post(f"/api/orders/{placed.pk}/notes", {"content": "   "}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "content"
    assert not placed.events.filter(type=OrderEventType.NOTE_ADDED).exists()


def test_note_on_a_missing_order_is_404(staff_client):
    response = staff_client.post("/api/orders/999999/notes", {"content": "x"}, format="json")

    assert response.status_code == 404


def test_status_moved_through_the_api_names_the_staff_member(placed, staff, staff_client):
    response = staff_client.patch(f"/api/orders/{placed.pk}", {"status": "cancelled"}, format="json")

    assert response.status_code == 200
    assert _events(placed)[-1] == (OrderEventType.STATUS_CHANGED, staff.pk)


# --- Admin --------------------------------------------------------------------


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def test_admin_order_page_shows_the_timeline(placed, staff, admin_client):
    order_note_add(order=placed, author=staff, content="Fragile: pack twice")

    response = admin_client.get(reverse("admin:orders_order_change", args=[placed.pk]))

    assert response.status_code == 200
    assert "Fragile: pack twice" in response.text
    assert "Order placed: 40.00" in response.text


def test_admin_note_form_adds_a_note_through_the_service(placed, superuser, admin_client):
    url = reverse("admin:orders_order_change", args=[placed.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "shipping_country": "FR",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": str(placed.items.get().pk),
            "items-0-order": str(placed.pk),
            "payments-TOTAL_FORMS": "0",
            "payments-INITIAL_FORMS": "0",
            "refunds-TOTAL_FORMS": "0",
            "refunds-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "2",
            "events-INITIAL_FORMS": "1",
            "events-0-id": str(placed.events.get().pk),
            "events-0-order": str(placed.pk),
            "events-1-message": "Called the customer",
            "events-1-customer_visible": "on",
            "events-1-order": str(placed.pk),
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    note = placed.events.get(type=OrderEventType.NOTE_ADDED)
    assert (note.message, note.actor, note.customer_visible) == ("Called the customer", superuser, True)
