"""Order mails and staff notifications, received by a real SMTP server (shop/tests/smtp_server.py)."""

import pytest
from django.db import transaction

from catalog.tests.factories import ProductFactory
from conftest import SHIPPING
from orders.inquiries.tests.factories import product_request_data, quote_body
from orders.models import OrderEvent, OrderEventType, OrderStatus
from orders.services.events import order_event_record
from orders.services.lines import OrderLine
from orders.services.orders import Shipping, order_place, order_status_change
from orders.tests.factories import OrderFactory
from shop.tests.smtp_server import mail_parts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shop(settings):
    settings.SHOP_NAME = "Acme Outfitters"
    settings.STOREFRONT_URL = "https://shop.test"


def test_placed_paid_and_shipped_order_gets_three_mails_in_order_with_its_totals(
    customer, customer_client, staff_client, smtp_server, mailed
):
    lamp = ProductFactory(name="Brass lamp", price="24.50")
    placed = mailed(
        lambda: customer_client.post(
            "/api/orders", {"items": [{"product_id": lamp.pk, "quantity": 2}], "shipping": SHIPPING}, format="json"
        )
    )
    order_id = placed.json()["order_id"]

    mailed(lambda: staff_client.post("/api/payments", {"order_id": order_id, "amount": "49.00", "method": "cash"}))
    mailed(lambda: staff_client.patch(f"/api/orders/{order_id}", {"status": "processing"}))
    mailed(lambda: staff_client.patch(f"/api/orders/{order_id}", {"status": "shipped", "tracking_number": "1Z999"}))

    assert [message["Subject"] for message in smtp_server.messages] == [
        f"Acme Outfitters: we have received order #{order_id}",
        f"Acme Outfitters: payment received for order #{order_id}",
        f"Acme Outfitters: order #{order_id} has shipped",
    ]
    assert all(message["To"] == customer.email for message in smtp_server.messages)
    for message in smtp_server.messages:
        text, html = mail_parts(message)
        assert "2 x Brass lamp at 24.50: 49.00" in text
        assert "Total: 49.00 USD" in text
        assert "Brass lamp" in html and "49.00 USD" in html
        assert "1 Analytical Way" in text and "1 Analytical Way" in html
        assert f"https://shop.test/orders/{order_id}" in text
    placed_text = mail_parts(smtp_server.messages[0])[0]
    assert "Balance due: 49.00 USD" in placed_text
    assert "Paid: 49.00 USD" in mail_parts(smtp_server.messages[1])[0]
    shipped_text, shipped_html = mail_parts(smtp_server.messages[2])
    assert "Tracking number: 1Z999" in shipped_text and "1Z999" in shipped_html
    sent = OrderEvent.objects.filter(order_id=order_id, type=OrderEventType.EMAIL_SENT).order_by("id")
    assert [event.data["mail"] for event in sent] == ["placed", "paid", "shipped"]
    timeline = customer_client.get(f"/api/orders/{order_id}/events").json()["results"]
    assert [event["type"] for event in timeline].count("email_sent") == 3


def test_a_rolled_back_order_sends_nothing(customer, smtp_server, mailed):
    lamp = ProductFactory()

    def place_then_fail():
        with transaction.atomic():
            order_place(user=customer, lines=[OrderLine(lamp.pk, 1)], shipping=Shipping(**SHIPPING))
            raise RuntimeError("the payment provider said no")

    with pytest.raises(RuntimeError):
        mailed(place_then_fail)

    assert smtp_server.messages == []
    assert not OrderEvent.objects.exists()


def test_a_failed_checkout_sends_nothing(customer_client, smtp_server, mailed):
    lamp = ProductFactory(quantity=1)

    response = mailed(
        lambda: customer_client.post(
            "/api/orders", {"items": [{"product_id": lamp.pk, "quantity": 5}], "shipping": SHIPPING}, format="json"
        )
    )

    assert response.status_code == 409
    assert smtp_server.messages == []


def test_cancelled_order_mail(customer, smtp_server, mailed):
    order = OrderFactory(user=customer)

    mailed(lambda: order_status_change(order=order, status=OrderStatus.CANCELLED))

    [message] = smtp_server.messages
    assert message["Subject"] == f"Acme Outfitters: order #{order.pk} is cancelled"


def test_a_refund_event_mails_the_customer(customer, smtp_server, mailed):
    order = OrderFactory(user=customer, amount_paid="40.00", status=OrderStatus.PAID)

    mailed(
        lambda: order_event_record(
            order=order, type=OrderEventType.REFUND, message="Refunded 15.00", data={"amount": "15.00"}
        )
    )

    [message] = smtp_server.messages
    assert message["Subject"] == f"Acme Outfitters: refund on order #{order.pk}"
    assert "refunded 15.00 USD" in mail_parts(message)[0]


def test_events_customers_do_not_hear_of_send_nothing(customer, smtp_server, mailed):
    order = OrderFactory(user=customer, status=OrderStatus.PAID)

    mailed(lambda: order_status_change(order=order, status=OrderStatus.PROCESSING))
    mailed(lambda: order_event_record(order=order, type=OrderEventType.NOTE_ADDED, message="Fragile"))

    assert smtp_server.messages == []


def test_an_order_mail_is_sent_once_however_often_its_task_runs(customer, smtp_server, mailed):
    from orders.tasks import order_mail

    order = OrderFactory(user=customer)
    mailed(lambda: order_status_change(order=order, status=OrderStatus.CANCELLED))
    trigger = OrderEvent.objects.get(order=order, type=OrderEventType.STATUS_CHANGED)

    order_mail.delay(event_id=trigger.pk)

    assert len(smtp_server.messages) == 1
    assert OrderEvent.objects.filter(order=order, type=OrderEventType.EMAIL_SENT).count() == 1


def test_an_order_of_a_deleted_account_sends_nothing(smtp_server, mailed):
    order = OrderFactory(user=None)

    mailed(lambda: order_status_change(order=order, status=OrderStatus.CANCELLED))

    assert smtp_server.messages == []


def test_an_order_mail_waits_out_a_refusing_server(customer, smtp_server, mailed, eager_retries):
    order = OrderFactory(user=customer)
    smtp_server.refuse_next(2)

    mailed(lambda: order_status_change(order=order, status=OrderStatus.CANCELLED))

    assert smtp_server.refused == 2
    assert len(smtp_server.messages) == 1
    assert OrderEvent.objects.filter(order=order, type=OrderEventType.EMAIL_SENT).count() == 1


def test_staff_hear_of_a_new_quote_request(api_client, smtp_server, mailed, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["sales@shop.test", "boss@shop.test"]
    lamp = ProductFactory(name="Brass lamp")

    response = mailed(lambda: api_client.post("/api/quote-requests", quote_body(lamp), format="json"))

    assert response.status_code == 201
    [message] = smtp_server.messages
    assert message["To"] == "sales@shop.test, boss@shop.test"
    assert message["Subject"].startswith(f"Acme Outfitters: new quote request #{response.json()['id']} from")
    text, html = mail_parts(message)
    assert "Brass lamp" in text and "Brass lamp" in html


def test_staff_hear_of_a_new_product_request(api_client, smtp_server, mailed, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["sales@shop.test"]

    response = mailed(lambda: api_client.post("/api/product-requests", product_request_data(), format="json"))

    assert response.status_code == 201
    [message] = smtp_server.messages
    assert "new product request" in message["Subject"]


def test_no_staff_addresses_no_notification(api_client, smtp_server, mailed, settings):
    settings.STAFF_NOTIFICATION_EMAILS = []

    mailed(lambda: api_client.post("/api/quote-requests", quote_body(ProductFactory()), format="json"))

    assert smtp_server.messages == []
