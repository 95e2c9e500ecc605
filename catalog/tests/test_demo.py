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
