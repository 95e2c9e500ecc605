import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import OrderStatus
from orders.services.lines import OrderLine
from orders.services.orders import order_place
from orders.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orders_order_changelist")


def _act(client, action, *orders):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [order.pk for order in orders]}, follow=True)


def test_order_changelist_lists_orders_with_their_customer(admin_client):
    order = OrderFactory(tracking_number="TRK-1")

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert order.user.email in response.text
    assert "TRK-1" in response.text


def test_order_changelist_query_count_does_not_grow_with_orders(admin_client, django_assert_max_num_queries):
    OrderFactory.create_batch(3)
    with django_assert_max_num_queries(100) as few:
        admin_client.get(CHANGELIST)
    OrderFactory.create_batch(30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(CHANGELIST)


@pytest.mark.parametrize("field", ["id", "email", "tracking"])
def test_order_search_by_id_email_or_tracking_number(admin_client, field):
    # Digit-free emails and tracking numbers so that searching the id matches nothing else.
    wanted = OrderFactory(user=UserFactory(email="ann@example.com"), tracking_number="ZX-AB")
    other = OrderFactory(user=UserFactory(email="bob@example.com"), tracking_number="QQ-CD")
    term = {"id": str(wanted.pk), "email": "ann@example.com", "tracking": "ZX-AB"}[field]

    response = admin_client.get(CHANGELIST, {"q": term})

    assert list(response.context["cl"].queryset) == [wanted]
    assert other not in response.context["cl"].queryset


def test_order_filters_by_status(admin_client):
    paid = OrderFactory(status=OrderStatus.PAID)
    OrderFactory()

    response = admin_client.get(CHANGELIST, {"status__exact": "paid"})

    assert list(response.context["cl"].queryset) == [paid]


def test_order_change_page_shows_items_read_only(admin_client):
    order = OrderFactory()
    OrderItemFactory(order=order, product_name="Ceramic bowl")

    response = admin_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 200
    assert "Ceramic bowl" in response.text
    assert 'name="items-0-quantity"' not in response.text


def test_orders_cannot_be_added_or_deleted_in_the_admin(admin_client):
    order = OrderFactory()

    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert admin_client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403


def test_mark_paid_action_moves_orders_through_the_state_machine(admin_client):
    pending = OrderFactory()
    shipped = OrderFactory(status=OrderStatus.SHIPPED)

    response = _act(admin_client, "mark_paid", pending, shipped)

    pending.refresh_from_db()
    shipped.refresh_from_db()
    assert (pending.status, shipped.status) == ("paid", "shipped")
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"Order #{shipped.pk}: An order cannot move from shipped to paid." in messages
    assert "1 order(s) marked paid." in messages


def test_cancel_action_gives_stock_back(admin_client, customer):
    product = ProductFactory(quantity=5)
    order = order_place(user=customer, lines=[OrderLine(product.pk, 3)])

    _act(admin_client, "mark_cancelled", order)

    order.refresh_from_db()
    product.refresh_from_db()
    assert (order.status, product.quantity) == ("cancelled", 5)


def test_cart_admin_is_read_only_with_items(admin_client):
    cart = CartFactory()
    CartItemFactory(cart=cart, product=ProductFactory(name="Velvet cushion"))

    response = admin_client.get(reverse("admin:orders_cart_change", args=[cart.pk]))

    assert response.status_code == 200
    assert "Velvet cushion" in response.text
    assert admin_client.get(reverse("admin:orders_cart_add")).status_code == 403
    assert admin_client.post(reverse("admin:orders_cart_change", args=[cart.pk]), {}).status_code == 403
