from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from catalog.selectors import (
    product_discounts_now,
    product_recommended,
    product_search,
    review_list_for_product,
)
from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory, ReviewFactory
from orders.models import OrderStatus
from orders.tests.factories import OrderItemFactory

pytestmark = pytest.mark.django_db


# InnoDB's FULLTEXT index sees only committed rows, so search tests commit theirs.
@pytest.mark.django_db(transaction=True)
def test_product_search_matches_any_word_and_skips_disabled_products():
    ProductFactory(name="Walnut chair", description="Hand made")
    ProductFactory(name="Oak table", sku="TBL-9")
    ProductFactory(name="Walnut desk", is_disabled=True)
    ProductFactory(name="Lamp")

    found = {product.name for product in product_search(query="do you have the walnut or tbl items?", limit=10)}

    assert found == {"Walnut chair", "Oak table"}


@pytest.mark.django_db(transaction=True)
def test_product_search_respects_limit_and_ignores_empty_queries():
    ProductFactory.create_batch(5, description="cosy blanket")

    assert len(product_search(query="blanket", limit=3)) == 3
    assert list(product_search(query="  ?! ", limit=3)) == []


def test_product_discounts_now_gives_best_active_discount():
    product, plain = ProductFactory(), ProductFactory()
    OfferFactory(product=product, discount_percentage=Decimal("5"))
    OfferFactory(product=product, discount_percentage=Decimal("30"))

    assert product_discounts_now(product_ids=[product.pk, plain.pk]) == {product.pk: Decimal("30")}


def test_product_recommended_fills_up_from_a_sparse_id_range():
    # Many ineligible products between few eligible ones make random probes collide.
    eligible = [ProductFactory()]
    ProductFactory.create_batch(40, quantity=0)
    eligible.append(ProductFactory())
    ProductFactory.create_batch(40, is_disabled=True)
    eligible.append(ProductFactory())

    chosen = product_recommended(limit=8)

    assert sorted(product.pk for product in chosen) == sorted(product.pk for product in eligible)


def test_product_recommended_query_count_is_bounded_whatever_the_catalog_size():
    category = CategoryFactory()
    ProductFactory.create_batch(30, categories=[category])

    with CaptureQueriesContext(connection) as small:
        product_recommended(category=category)
    ProductFactory.create_batch(200, categories=[category])
    with CaptureQueriesContext(connection) as large:
        product_recommended(category=category)

    # id bounds, the probes (one UNION where the database allows it), at most two
    # top-ups when probes collide, then the rows and their three prefetches (categories, images, variants).
    probes = 1 if connection.features.supports_slicing_ordering_in_compound else 8
    bound = 1 + probes + 2 + 4
    assert len(small) <= bound and len(large) <= bound


def test_product_recommended_is_not_always_the_same_set():
    ProductFactory.create_batch(60)

    picks = {frozenset(product.pk for product in product_recommended()) for _ in range(5)}

    assert len(picks) > 1


def test_review_list_marks_verified_purchases_of_paid_or_later_orders_only():
    product = ProductFactory()
    statuses = [OrderStatus.PAID, OrderStatus.DELIVERED, OrderStatus.PENDING, OrderStatus.CANCELLED, None]
    expected = {}
    for status in statuses:
        user = UserFactory()
        if status:
            OrderItemFactory(product=product, order__user=user, order__status=status)
        review = ReviewFactory(user=user, product=product)
        expected[review.pk] = status in (OrderStatus.PAID, OrderStatus.DELIVERED)
    # A paid order of another product does not count.
    OrderItemFactory(order__user=review.user, order__status=OrderStatus.PAID)

    reviews = review_list_for_product(product_id=product.pk)

    assert {review.pk: review.verified_purchase for review in reviews} == expected
