"""Card payments: the PaymentIntent a customer pays an order's balance with (POST /api/orders/<id>/pay).

No Stripe call happens inside a database transaction: the intent is created first, with an
idempotency key derived from the order, the amount and the attempt number, so a retried or
doubled click gets Stripe's first answer back; then our record of it is inserted, its unique
intent id absorbing the second of two simultaneous inserts. The money itself is recorded only
by the verified webhook (payments/services/stripe_webhooks.py).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import User
from orders.models import Order, OrderStatus
from payments.errors import OrderNotPayable
from payments.models import INTENT_ENDED, CardPaymentIntent, IntentStatus
from payments.stripe_client import from_minor_units, stripe_client, stripe_errors, to_minor_units
from shop.errors import NotFound


@dataclass(frozen=True)
class CardPaymentStart:
    payment_intent_id: str
    client_secret: str
    amount: Decimal
    currency: str
    provider: str = "stripe"


def order_pay(*, user: User, order_id: int) -> CardPaymentStart:
    """A PaymentIntent for the balance due of `user`'s order: the open one made for the same amount, or a new one.

    Raises NotConfigured (501) without a Stripe key, NotFound (not the user's order),
    OrderNotPayable (409: paid, cancelled, nothing due, or its card payment already went through),
    UpstreamUnavailable (502) when Stripe fails; nothing is written then.
    """
    client = stripe_client()
    order = Order.objects.filter(pk=order_id, user=user).first()
    if order is None:
        raise NotFound("Order not found")
    _payable_check(order=order)
    amount, currency = order.balance_due, order.currency
    minor = to_minor_units(amount, currency)
    # The attempt number keys the intent at Stripe: a new attempt after one ended (canceled, failed)
    # must not get the ended one back. Counted before looking for an open intent, so a click racing
    # another either finds the intent the other recorded or asks Stripe with the same key.
    attempt = CardPaymentIntent.objects.filter(order=order).count()

    open_intent = (
        CardPaymentIntent.objects.filter(order=order, amount=amount, currency=currency)
        .exclude(status__in=INTENT_ENDED)
        .first()
    )
    if open_intent is not None:
        with stripe_errors():
            intent = client.v1.payment_intents.retrieve(open_intent.intent_id)
        _intent_status_save(intent_id=intent.id, status=intent.status)
        if intent.status in (IntentStatus.SUCCEEDED, IntentStatus.PROCESSING):
            raise OrderNotPayable("A card payment for this order is already going through.", field="order_id")
        if intent.status != IntentStatus.CANCELED:
            return _start(intent)

    with stripe_errors():
        intent = client.v1.payment_intents.create(
            params={
                "amount": minor,
                "currency": currency.lower(),
                "metadata": {"order_id": str(order.pk)},
                "automatic_payment_methods": {"enabled": True},
            },
            options={"idempotency_key": f"order-{order.pk}-pay-{minor}{currency.lower()}-{attempt}"},
        )
    try:
        with transaction.atomic():
            CardPaymentIntent.objects.create(
                order=order,
                intent_id=intent.id,
                amount=from_minor_units(intent.amount, currency),
                currency=currency,
                status=intent.status,
            )
    except IntegrityError:
        pass  # a simultaneous click got the same intent from Stripe and recorded it first
    return _start(intent)


def _payable_check(*, order: Order) -> None:
    if order.status != OrderStatus.PENDING or order.balance_due <= 0:
        reason = "cancelled" if order.status == OrderStatus.CANCELLED else f"{order.status}, nothing is due"
        raise OrderNotPayable(f"This order cannot be paid: it is {reason}.", field="order_id")


def _start(intent) -> CardPaymentStart:
    currency = intent.currency.upper()
    return CardPaymentStart(
        payment_intent_id=intent.id,
        client_secret=intent.client_secret,
        amount=from_minor_units(intent.amount, currency),
        currency=currency,
    )


def _intent_status_save(*, intent_id: str, status: str) -> None:
    CardPaymentIntent.objects.filter(intent_id=intent_id).exclude(status=status).update(status=status)
