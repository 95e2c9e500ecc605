import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from catalog.errors import OutOfStock, StockChanged
from catalog.models import Product, ProductVariant, StockAdjustment
from catalog.services.stock import stock_move, stock_release, stock_reserve, variant_stock_adjust
from catalog.tests.factories import ProductFactory, ProductVariantFactory
from shop.errors import InvalidInput, NotFound
from shop.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def _pool(quantity: int, **kwargs) -> ProductVariant:
    """The default variant of a new product holding `quantity` units."""
    return ProductFactory(quantity=quantity, **kwargs).variants.get()


def _stock(variant: ProductVariant) -> tuple[int, int]:
    """(the variant's units, its product's units)."""
    variant.refresh_from_db()
    return variant.quantity, Product.objects.get(pk=variant.product_id).quantity


def _sized(product: Product, size: str, quantity: int) -> ProductVariant:
    variant = ProductVariantFactory(product=product, size=size, quantity=quantity)
    Product.objects.filter(pk=product.pk).update(quantity=product.quantity + quantity)
    product.refresh_from_db()
    return variant


def test_reserve_takes_units_from_the_variant_and_its_product():
    variant = _pool(5)

    stock_reserve(lines={variant.pk: 3})

    assert _stock(variant) == (2, 2)


def test_reserve_can_take_the_last_unit():
    variant = _pool(1)

    stock_reserve(lines={variant.pk: 1})

    assert _stock(variant) == (0, 0)


def test_reserve_more_than_stock_raises_out_of_stock_naming_the_product_and_variant():
    variant = _pool(2, name="Linen shirt")

    with pytest.raises(OutOfStock) as raised:
        stock_reserve(lines={variant.pk: 3})

    assert "Linen shirt" in raised.value.message
    assert raised.value.field == "items"
    assert raised.value.extra == {"product_id": variant.product_id, "variant_id": variant.pk, "available": 2}
    assert _stock(variant) == (2, 2)


def test_reserve_leaves_the_other_variants_of_the_product_alone():
    product = ProductFactory(quantity=0)
    small, large = _sized(product, "S", 4), _sized(product, "L", 6)

    stock_reserve(lines={small.pk: 3})

    large.refresh_from_db()
    assert _stock(small) == (1, 7)
    assert large.quantity == 6


def test_reserve_is_all_or_nothing_across_variants():
    plenty, short = _pool(10), _pool(1)

    with pytest.raises(OutOfStock):
        stock_reserve(lines={plenty.pk: 4, short.pk: 2})

    assert (_stock(plenty), _stock(short)) == ((10, 10), (1, 1))


def test_reserve_of_a_deleted_variant_raises_out_of_stock():
    with pytest.raises(OutOfStock, match="no longer exists"):
        stock_reserve(lines={987654: 1})


def test_reserve_of_an_inactive_variant_is_refused():
    variant = _pool(5)
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)

    with pytest.raises(OutOfStock) as raised:
        stock_reserve(lines={variant.pk: 1})

    assert raised.value.extra["available"] == 0


def test_release_adds_units_back():
    variant = _pool(0)

    stock_release(lines={variant.pk: 4})

    assert _stock(variant) == (4, 4)


def test_release_to_an_inactive_variant_leaves_the_product_count_alone():
    product = ProductFactory(quantity=2)
    default = product.variants.get()
    ProductVariant.objects.filter(pk=default.pk).update(is_active=False)
    Product.objects.filter(pk=product.pk).update(quantity=0)

    stock_release(lines={default.pk: 3})

    assert _stock(default) == (5, 0)


def test_move_nets_release_and_reserve_per_variant():
    kept, dropped, added = _pool(1), _pool(0), _pool(5)

    # 3 of `kept` were reserved, 4 are wanted now: only 1 more unit is needed.
    stock_move(release={kept.pk: 3, dropped.pk: 2}, reserve={kept.pk: 4, added.pk: 5})

    assert (_stock(kept), _stock(dropped), _stock(added)) == ((0, 0), (2, 2), (0, 0))


def test_move_touches_variants_then_products_each_in_id_order_whatever_the_input_order():
    first, second, third = _pool(9), _pool(9), _pool(9)

    with CaptureQueriesContext(connection) as queries:
        stock_reserve(lines={third.pk: 1, first.pk: 1, second.pk: 1})

    updates = [
        (re.search(r"UPDATE [\"`](\w+)", sql).group(1), int(re.search(r"id[\"`]? = (\d+)", sql).group(1)))
        for sql in (query["sql"] for query in queries.captured_queries)
        if sql.startswith("UPDATE")
    ]
    variant_ids = sorted(v.pk for v in (first, second, third))
    product_ids = sorted(v.product_id for v in (first, second, third))
    assert updates == [("catalog_productvariant", pk) for pk in variant_ids] + [
        ("catalog_product", pk) for pk in product_ids
    ]


def test_move_is_a_single_conditional_update_per_variant():
    variant = _pool(9)

    with CaptureQueriesContext(connection) as queries:
        stock_reserve(lines={variant.pk: 2})

    sql = [
        query["sql"].replace("`", '"')
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and "catalog_productvariant" in query["sql"]
    ]
    assert len(sql) == 1
    assert '"quantity" >= 2' in sql[0]


def test_falling_to_the_threshold_writes_one_stock_low_event(settings):
    settings.LOW_STOCK_THRESHOLD = 3
    variant = _pool(5)

    stock_reserve(lines={variant.pk: 2})
    stock_reserve(lines={variant.pk: 1})

    events = list(WebhookEvent.objects.filter(type="stock.low"))
    assert len(events) == 1
    assert events[0].data["variant_id"] == variant.pk and events[0].data["quantity"] == 3


# --- variant_stock_adjust ----------------------------------------------------------------


def test_adjust_by_delta_moves_variant_and_product_and_logs_why():
    variant, staff = _pool(5), UserFactory(is_staff=True)

    returned = variant_stock_adjust(variant_id=variant.pk, delta=-2, reason="broken in store", actor=staff)

    assert returned.quantity == 3
    assert _stock(variant) == (3, 3)
    log = StockAdjustment.objects.get()
    assert (log.variant_id, log.delta, log.quantity_after, log.reason, log.actor) == (
        variant.pk,
        -2,
        3,
        "broken in store",
        staff,
    )


def test_adjust_by_delta_never_goes_below_zero():
    variant = _pool(2)

    with pytest.raises(OutOfStock) as raised:
        variant_stock_adjust(variant_id=variant.pk, delta=-3)

    assert raised.value.field == "delta"
    assert _stock(variant) == (2, 2)
    assert not StockAdjustment.objects.exists()


def test_adjust_to_a_counted_quantity_logs_the_difference():
    variant = _pool(5)

    variant_stock_adjust(variant_id=variant.pk, quantity=12, reason="stock count")

    assert _stock(variant) == (12, 12)
    assert StockAdjustment.objects.get().delta == 7


def test_adjust_with_the_expected_quantity_read_earlier_is_refused_when_stock_moved():
    variant = _pool(5)
    stock_reserve(lines={variant.pk: 1})

    with pytest.raises(StockChanged) as raised:
        variant_stock_adjust(variant_id=variant.pk, quantity=9, expected_quantity=5)

    assert raised.value.code == "stock_changed" and raised.value.status_code == 409
    assert raised.value.extra["quantity"] == 4
    assert _stock(variant) == (4, 4)


def test_adjust_with_the_current_expected_quantity_sets_it():
    variant = _pool(5)

    variant_stock_adjust(variant_id=variant.pk, quantity=9, expected_quantity=5)

    assert _stock(variant) == (9, 9)


def test_adjust_needs_exactly_one_of_delta_and_quantity():
    variant = _pool(5)

    with pytest.raises(InvalidInput):
        variant_stock_adjust(variant_id=variant.pk)
    with pytest.raises(InvalidInput):
        variant_stock_adjust(variant_id=variant.pk, delta=1, quantity=3)


def test_adjust_of_an_unknown_variant_is_not_found():
    with pytest.raises(NotFound):
        variant_stock_adjust(variant_id=987654, delta=1)
    with pytest.raises(NotFound):
        variant_stock_adjust(variant_id=987654, quantity=1)


def test_adjust_of_an_inactive_variant_leaves_the_product_count_alone():
    product = ProductFactory(quantity=0)
    inactive = ProductVariantFactory(product=product, size="XL", quantity=4, is_active=False)

    variant_stock_adjust(variant_id=inactive.pk, delta=-4)

    assert _stock(inactive) == (0, 0)
