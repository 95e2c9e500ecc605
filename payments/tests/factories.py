from decimal import Decimal

import factory

from orders.tests.factories import OrderFactory
from payments.models import IdempotencyKey, Payment, PaymentMethod


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment row only: it does not touch the order's amount_paid (use payment_create for that)."""

    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    amount = Decimal("10.00")
    method = PaymentMethod.CARD
    reference = factory.Sequence(lambda n: f"REF-{n}")
    created_by = factory.SelfAttribute("order.user")


class IdempotencyKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyKey

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    key = factory.Sequence(lambda n: f"key-{n}")
    request_hash = "0" * 64
