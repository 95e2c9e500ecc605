import pytest
from django.core.files.storage import default_storage

from catalog import demo
from catalog.models import Category, Offer, Product, ProductImage, Review
from catalog.selectors import offer_list_active

pytestmark = pytest.mark.django_db


def test_demo_seed_fills_the_catalog_and_is_idempotent():
    first = demo.seed()
    counts = [model.objects.count() for model in (Category, Product, ProductImage, Offer, Review)]

    second = demo.seed()

    assert counts[0] == 6 and counts[1] == 40 and counts[2] == 80
    assert counts[3] == 8 and counts[4] > 10
    assert offer_list_active().exists()
    assert all(default_storage.exists(image.public_id) for image in ProductImage.objects.all())
    assert [model.objects.count() for model in (Category, Product, ProductImage, Offer, Review)] == counts
    assert first.startswith("6 categories, 40 products")
    assert second.startswith("0 categories, 0 products, 0 offers, 0 reviews")
    rated = Product.objects.filter(rating_count__gt=0).first()
    assert rated.rating_count == rated.reviews.count()


def test_demo_textiles_are_sold_in_sizes_and_colours_with_stock_per_variant():
    demo.seed()

    textiles = Product.objects.filter(categories__name=demo.VARIANT_CATEGORY).prefetch_related("variants")
    assert textiles.count() == 7
    for product in textiles:
        variants = [variant for variant in product.variants.all() if variant.is_active]
        assert len(variants) == 8
        assert len({(variant.size, variant.color) for variant in variants}) == 8
        assert product.quantity == sum(variant.quantity for variant in variants)
        assert product.sizes == ["S", "M", "L", "XL"] and len(product.colors) == 2
    assert Product.objects.exclude(categories__name=demo.VARIANT_CATEGORY).first().variants.get().is_default
