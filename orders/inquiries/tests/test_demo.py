import pytest

from catalog.tests.factories import ProductFactory
from orders.inquiries.demo import seed
from orders.inquiries.models import ProductRequest, QuoteRequest

pytestmark = pytest.mark.django_db


def test_the_demo_requests_are_seeded_once():
    ProductFactory.create_batch(3)

    assert seed() == "3 demo requests"
    assert seed() == "demo requests already there"

    assert QuoteRequest.objects.count() == 2
    assert QuoteRequest.objects.filter(status="quoted", quoted_at__isnull=False).count() == 1
    assert ProductRequest.objects.get().status == "answered"
