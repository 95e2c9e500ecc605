"""The order page's money: payments and refunds shown, a manual payment recorded and a refund issued
through the same services as the API, and the "needs attention" lists."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import OrderStatus
from orders.tests.factories import OrderFactory
from orders.tests.test_admin_order_page import change_page, messages_of
from payments.models import Payment, Refund, StripeEvent

pytestmark = pytest.mark.django_db


def test_staff_record_a_manual_payment_and_issue_a_refund_from_the_order_page(admin_client):
    order = OrderFactory(total=Decimal("40.00"))

    paid = admin_client.post(
        reverse("admin:orders_order_payment", args=[order.pk]),
        {"amount": "40.00", "method": "bank_transfer", "reference": "WIRE-1"},
        follow=True,
    )
    refunded = admin_client.post(
        reverse("admin:orders_order_refund", args=[order.pk]), {"amount": "10.00", "reason": "late"}, follow=True
    )

    assert messages_of(paid) == ["Payment of 40.00 recorded."]
    assert messages_of(refunded) == ["Refund of 10.00: succeeded."]
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_refunded) == (
        OrderStatus.PAID,
        Decimal("40.00"),
        Decimal("10.00"),
    )
    page = admin_client.get(change_page(order)).text
    assert "WIRE-1" in page and "late" in page


def test_a_refused_refund_says_why_and_changes_nothing(admin_client):
    order = OrderFactory(total=Decimal("40.00"))

    response = admin_client.post(reverse("admin:orders_order_refund", args=[order.pk]), {"amount": "5.00"}, follow=True)

    assert messages_of(response) == ["Refund not issued: The amount exceeds what can still be refunded (0.00)."]
    assert not Refund.objects.exists() and not Payment.objects.exists()


def test_the_needs_attention_filters_list_flagged_orders_and_events(admin_client):
    flagged, calm = OrderFactory(needs_attention=True), OrderFactory()
    StripeEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded", payload={}, needs_attention=True)

    orders = admin_client.get(reverse("admin:orders_order_changelist") + "?needs_attention__exact=1")
    events = admin_client.get(reverse("admin:payments_stripeevent_changelist") + "?needs_attention__exact=1")

    assert [order.pk for order in orders.context["cl"].result_list] == [flagged.pk]
    assert calm.pk not in [order.pk for order in orders.context["cl"].result_list]
    assert [event.event_id for event in events.context["cl"].result_list] == ["evt_1"]
