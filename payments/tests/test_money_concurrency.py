"""Money under real concurrency on MariaDB/MySQL: real threads, real connections, real row locks."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import SHIPPING, client_for
from orders.models import Order, OrderStatus
from orders.services.expiry import orders_expire
from payments.models import CardPaymentIntent, Payment, Refund
from payments.tests.stripe_helpers import deliver, pay
from shop.tests.races import race
from shop.webhooks.models import WebhookEvent

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB row locks"),
    pytest.mark.django_db(transaction=True),
]


def _placed_order(owner, quantity=3):
    product = ProductFactory(price=Decimal("10.00"), quantity=10)
    response = client_for(owner).post(
        "/api/orders",
        {"items": [{"product_id": product.pk, "quantity": quantity}], "shipping": SHIPPING},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["order_id"]), product


def test_ten_simultaneous_deliveries_of_one_success_record_one_payment(fake_stripe):
    owner = UserFactory()
    order, _ = _placed_order(owner)
    event = fake_stripe.succeed(pay(client_for(owner), order)["payment_intent_id"])

    results = race([lambda: deliver(fake_stripe, event).status_code for _ in range(10)])

    assert results == [200] * 10
    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == (OrderStatus.PAID, Decimal("30.00"))
    assert WebhookEvent.objects.filter(type="order.paid").count() == 1


def test_simultaneous_pay_clicks_make_one_intent(fake_stripe):
    owner = UserFactory()
    order, _ = _placed_order(owner)

    results = race([lambda: client_for(owner).post(f"/api/orders/{order.pk}/pay").json() for _ in range(5)])

    assert len({result["payment_intent_id"] for result in results}) == 1, results
    assert len(fake_stripe.intents) == 1
    assert CardPaymentIntent.objects.count() == 1


def test_two_concurrent_refunds_exceeding_the_payment_let_one_through():
    order, _ = _placed_order(UserFactory(), quantity=4)
    first_staff, second_staff = UserFactory(is_staff=True), UserFactory(is_staff=True)
    paid = client_for(first_staff).post(
        "/api/payments", {"order_id": order.pk, "amount": "40.00", "method": "cash"}, format="json"
    )
    assert paid.status_code == 201

    def refund(user):
        return lambda: (
            client_for(user).post(f"/api/orders/{order.pk}/refunds", {"amount": "30.00"}, format="json").status_code
        )

    results = race([refund(first_staff), refund(second_staff)])

    assert sorted(results) == [201, 400]
    order.refresh_from_db()
    assert order.amount_refunded == Decimal("30.00")
    assert Refund.objects.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_expiry_racing_a_payment_ends_in_exactly_one_outcome_with_consistent_stock(fake_stripe, settings, attempt):
    settings.ORDER_PENDING_TTL_MINUTES = 60
    # The intent does not hold the order, so the two really race for its row.
    settings.ORDER_PAYMENT_HOLD_MINUTES = 0
    owner = UserFactory()
    order, product = _placed_order(owner)
    event = fake_stripe.succeed(pay(client_for(owner), order)["payment_intent_id"])
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=61))

    results = race([lambda: deliver(fake_stripe, event).status_code, orders_expire])

    order.refresh_from_db()
    product.refresh_from_db()
    assert results[0] == 200
    assert Payment.objects.filter(order=order).count() == 1
    assert order.amount_paid == Decimal("30.00")
    outcomes = Counter(
        {
            "paid": order.status == OrderStatus.PAID and results[1] == 0 and product.quantity == 7,
            "expired": order.status == OrderStatus.CANCELLED
            and order.cancel_reason == "expired"
            and order.needs_attention
            and results[1] == 1
            and product.quantity == 10,
        }
    )
    assert sum(outcomes.values()) == 1, (order.status, order.cancel_reason, results, product.quantity)
