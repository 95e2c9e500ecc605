from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import Category, Offer, Product, ProductImage, ProductVariant, Review


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    price = Decimal("20.00")
    cost_price = Decimal("12.00")
    quantity = 10

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def default_variant(self, create, extracted, **kwargs):
        # As the product services do: a product holds its stock in its default variant.
        if create:
            ProductVariant.objects.create(product=self, quantity=self.quantity)


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    quantity = 5


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    url = factory.Sequence(lambda n: f"/media/products/image-{n}.png")


class OfferFactory(factory.django.DjangoModelFactory):
    """An offer active now unless the dates say otherwise."""

    class Meta:
        model = Offer

    product = factory.SubFactory(ProductFactory)
    title = factory.Sequence(lambda n: f"Offer {n}")
    discount_percentage = Decimal("10")
    start_date = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    end_date = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    rating = 4
    comment = "Good value."
