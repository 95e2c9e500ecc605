from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import Cart, CartItem, Coupon, CouponKind, Order, OrderItem, ShippingMethod, TaxRate


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)


class CartItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    # The product's default variant, as a seed-shaped line resolves to.
    variant = factory.LazyAttribute(lambda item: item.product.variants.order_by("pk").first())
    quantity = 1


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending order; give it items with OrderItemFactory and totals to match."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    subtotal = Decimal("40.00")
    total = Decimal("40.00")
    shipping_full_name = factory.Faker("name")
    shipping_address = "1 Main Street"
    shipping_city = "Lyon"
    shipping_postal_code = "69001"
    shipping_country = "FR"


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    variant = factory.LazyAttribute(lambda item: item.product.variants.order_by("pk").first() if item.product else None)
    product_name = factory.LazyAttribute(lambda item: item.product.name if item.product else "Gone")
    unit_price = Decimal("20.00")
    unit_cost = Decimal("12.00")
    quantity = 2
    line_total = factory.LazyAttribute(lambda item: item.unit_price * item.quantity)


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    """An active method serving every country unless `countries` says otherwise."""

    class Meta:
        model = ShippingMethod

    name = factory.Sequence(lambda n: f"Method {n}")
    price = Decimal("4.90")
    estimated_days = 3


class CouponFactory(factory.django.DjangoModelFactory):
    """An active 10 % coupon without limits."""

    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = CouponKind.PERCENT
    value = Decimal("10")


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate
        django_get_or_create = ["country"]

    country = "FR"
    rate = Decimal("20.00")
    name = "TVA"
