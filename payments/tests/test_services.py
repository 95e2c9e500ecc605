from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from accounts.tests.factories import StaffFactory, UserFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import OrderFactory
from payments.errors import AmountExceedsBalance, AmountNotPositive, OrderCancelled
from payments.models import Payment
from payments.services.payments import payment_create
from shop.errors import NotFound

pytestmark = pytest.mark.django_db


def test_partial_payment_is_recorded_and_adds_to_amount_paid_without_changing_status():
    order = OrderFactory(total=Decimal("40.00"))

    payment = payment_create(
        actor=order.user, order_id=order.pk, amount=Decimal("15.00"), method="card", reference="A1"
    )

    order.refresh_from_db()
    assert payment.order_id == order.pk
    assert (payment.amount, payment.method, payment.reference, payment.created_by) == (
        Decimal("15.00"),
        "card",
        "A1",
        order.user,
    )
    assert order.amount_paid == Decimal("15.00")
    assert order.balance_due == Decimal("25.00")
    assert order.status == OrderStatus.PENDING


def test_payment_settling_a_pending_order_moves_it_to_paid():
    order = OrderFactory(total=Decimal("40.00"))
    payment_create(actor=order.user, order_id=order.pk, amount=Decimal("10.00"), method="cash")

    payment_create(actor=order.user, order_id=order.pk, amount=Decimal("30.00"), method="paypal")

    order.refresh_from_db()
    assert order.amount_paid == Decimal("40.00")
    assert order.status == OrderStatus.PAID


def test_settling_an_order_already_past_pending_keeps_its_status():
    order = OrderFactory(total=Decimal("40.00"), status=OrderStatus.SHIPPED)

    payment_create(actor=StaffFactory(), order_id=order.pk, amount=Decimal("40.00"), method="bank_transfer")

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.amount_paid == Decimal("40.00")


def test_staff_may_pay_any_order_and_is_recorded_as_creator():
    staff = StaffFactory()
    order = OrderFactory()

    payment = payment_create(actor=staff, order_id=order.pk, amount=Decimal("1.00"), method="card")

    assert payment.created_by == staff


def test_another_customers_order_is_not_found():
    order = OrderFactory()

    with pytest.raises(NotFound, match="Order not found"):
        payment_create(actor=UserFactory(), order_id=order.pk, amount=Decimal("1.00"), method="card")

    assert not Payment.objects.exists()


def test_unknown_order_is_not_found():
    with pytest.raises(NotFound):
        payment_create(actor=StaffFactory(), order_id=999_999, amount=Decimal("1.00"), method="card")


def test_cancelled_order_cannot_be_paid():
    order = OrderFactory(status=OrderStatus.CANCELLED)

    with pytest.raises(OrderCancelled):
        payment_create(actor=order.user, order_id=order.pk, amount=Decimal("1.00"), method="card")

    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00")])
def test_amount_must_be_positive(amount):
    order = OrderFactory()

    with pytest.raises(AmountNotPositive):
        payment_create(actor=order.user, order_id=order.pk, amount=amount, method="card")


def test_amount_above_the_balance_due_is_refused_with_the_balance():
    order = OrderFactory(total=Decimal("40.00"), amount_paid=Decimal("30.00"))

    with pytest.raises(AmountExceedsBalance) as refused:
        payment_create(actor=order.user, order_id=order.pk, amount=Decimal("10.01"), method="card")

    assert refused.value.extra == {"balance_due": "10.00"}
    order.refresh_from_db()
    assert order.amount_paid == Decimal("30.00")
    assert not Payment.objects.exists()


def test_fully_paid_order_accepts_no_more_payment():
    order = OrderFactory(total=Decimal("40.00"), amount_paid=Decimal("40.00"), status=OrderStatus.PAID)

    with pytest.raises(AmountExceedsBalance):
        payment_create(actor=order.user, order_id=order.pk, amount=Decimal("0.01"), method="card")


def test_order_with_payments_cannot_be_deleted_from_the_database():
    order = OrderFactory()
    payment_create(actor=order.user, order_id=order.pk, amount=Decimal("1.00"), method="card")

    with pytest.raises(ProtectedError):
        order.delete()


def test_deleting_the_customer_keeps_the_order_and_its_payments():
    order = OrderFactory()
    payment = payment_create(actor=order.user, order_id=order.pk, amount=Decimal("5.00"), method="card")

    order.user.delete()

    payment.refresh_from_db()
    assert payment.created_by is None
    assert Order.objects.get(pk=order.pk).user is None
