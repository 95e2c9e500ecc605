"""The admin never writes back stock (or any field) read when the page was loaded (issue 11: no lost updates)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product, ProductVariant, StockAdjustment
from catalog.services.stock import variant_stock_adjust
from catalog.tests.admin_pages import form_values
from catalog.tests.factories import ProductFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_product_changelist")


def _change_url(product: Product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def _sell(variant: ProductVariant, units: int) -> None:
    variant_stock_adjust(variant_id=variant.pk, delta=-units, reason="sale")


def _stock(product: Product) -> tuple[int, list[int]]:
    product.refresh_from_db()
    return product.quantity, list(product.variants.order_by("pk").values_list("quantity", flat=True))


# --- The product page -------------------------------------------------------------


def test_a_stale_product_page_cannot_overwrite_a_sale(admin_client):
    # given: the page is loaded showing 10 units, then 3 are sold
    product = ProductFactory(price=Decimal("20.00"), quantity=10)
    variant = product.variants.get()
    data = form_values(admin_client.get(_change_url(product)), "product_form")
    assert data["variants-0-quantity"] == "10"
    _sell(variant, 3)

    # when: the page is posted with the stock it showed, edited
    data.update({"variants-0-quantity": "12", "price": "25.00"})
    response = admin_client.post(_change_url(product), data)

    # then: the form comes back with the error, and nothing changed
    assert response.status_code == 200
    assert "The stock changed since this page was loaded (it is 7 now, the page showed 10)" in response.content.decode()
    assert _stock(product) == (7, [7])
    assert product.price == Decimal("20.00")


def test_a_stale_product_page_posted_as_loaded_keeps_the_sale_and_saves_what_was_changed(admin_client):
    product = ProductFactory(price=Decimal("20.00"), quantity=10, description="Old")
    data = form_values(admin_client.get(_change_url(product)), "product_form")
    _sell(product.variants.get(), 3)
    # Someone else edits the description meanwhile: the page still shows "Old".
    Product.objects.filter(pk=product.pk).update(description="Written meanwhile")

    data["price"] = "25.00"
    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302
    assert _stock(product) == (7, [7])
    assert (product.price, product.description) == (Decimal("25.00"), "Written meanwhile")


def test_stock_set_on_the_product_page_goes_through_the_stock_service(admin_client):
    product = ProductFactory(quantity=10)
    data = form_values(admin_client.get(_change_url(product)), "product_form")

    data["variants-0-quantity"] = "4"
    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302
    assert _stock(product) == (4, [4])


def test_variants_are_added_on_the_product_page_with_size_colour_and_stock(admin_client):
    product = ProductFactory(quantity=2)
    data = form_values(admin_client.get(_change_url(product)), "product_form")
    data.update(
        {
            "variants-TOTAL_FORMS": "2",
            "variants-1-size": "M",
            "variants-1-color": "Red",
            "variants-1-sku": "TEE-M-RED",
            "variants-1-price": "12.50",
            "variants-1-quantity": "5",
            "initial-variants-1-quantity": "0",
        }
    )

    response = admin_client.post(_change_url(product), data)

    # then: the first variant with options replaces the default one, whose stock is not carried over
    assert response.status_code == 302
    added = product.variants.get()
    assert (added.size, added.color, added.sku, added.price) == ("M", "Red", "TEE-M-RED", Decimal("12.50"))
    assert _stock(product) == (5, [5])
    assert (product.sizes, product.colors) == (["M"], ["Red"])


def test_a_variant_deleted_on_the_product_page_takes_its_stock_out_of_the_products(admin_client):
    product = ProductFactory(quantity=0)
    product.variants.all().delete()
    ProductVariantFactory(product=product, size="S", quantity=2)
    ProductVariantFactory(product=product, size="M", quantity=5)
    Product.objects.filter(pk=product.pk).update(quantity=7)
    data = form_values(admin_client.get(_change_url(product)), "product_form")

    data["variants-1-DELETE"] = "on"
    response = admin_client.post(_change_url(product), data)

    assert response.status_code == 302
    assert _stock(product) == (2, [2])


def test_a_refused_variant_change_saves_nothing_and_says_why(admin_client):
    product = ProductFactory(quantity=0, description="Old")
    product.variants.all().delete()
    ProductVariantFactory(product=product, size="S", quantity=2)
    ProductVariantFactory(product=product, size="M", quantity=5)
    data = form_values(admin_client.get(_change_url(product)), "product_form")

    data.update({"variants-1-size": "s", "description": "New"})
    response = admin_client.post(_change_url(product), data, follow=True)

    assert "Nothing was saved: This product already has a variant s / -." in response.content.decode()
    product.refresh_from_db()
    assert product.description == "Old"
    assert list(product.variants.values_list("size", flat=True)) == ["S", "M"]


def test_the_product_page_shows_the_stock_read_only(admin_client):
    product = ProductFactory(quantity=10)

    form = admin_client.get(_change_url(product)).context["adminform"].form

    assert "quantity" not in form.fields


def test_a_product_added_in_the_admin_holds_its_stock_in_its_default_variant(admin_client):
    data = form_values(admin_client.get(reverse("admin:catalog_product_add")), "product_form")
    data.update({"name": "Desk", "price": "99.00", "quantity": "3"})

    response = admin_client.post(reverse("admin:catalog_product_add"), data)

    assert response.status_code == 302
    product = Product.objects.get(name="Desk")
    assert _stock(product) == (3, [3])
    assert product.variants.get().is_default


# --- The changelist's editable stock ----------------------------------------------


def test_a_stale_changelist_cannot_overwrite_a_sale(admin_client):
    product = ProductFactory(price=Decimal("5.00"), quantity=10)
    data = form_values(admin_client.get(CHANGELIST), "changelist-form")
    _sell(product.variants.get(), 3)

    data.update({"form-0-quantity": "15", "form-0-price": "6.00", "_save": "Save"})
    response = admin_client.post(CHANGELIST, data)

    assert response.status_code == 200
    assert "The stock changed since this page was loaded (it is 7 now, the page showed 10)" in response.content.decode()
    assert _stock(product) == (7, [7])
    assert product.price == Decimal("5.00")


def test_a_stale_changelist_saved_for_a_price_keeps_the_sale(admin_client):
    product = ProductFactory(price=Decimal("5.00"), quantity=10)
    data = form_values(admin_client.get(CHANGELIST), "changelist-form")
    _sell(product.variants.get(), 3)

    data.update({"form-0-price": "6.00", "_save": "Save"})
    response = admin_client.post(CHANGELIST, data)

    assert response.status_code == 302
    assert _stock(product) == (7, [7])
    assert product.price == Decimal("6.00")


def test_the_changelist_sets_stock_through_the_service(admin_client):
    product = ProductFactory(price=Decimal("5.00"), quantity=1)
    data = form_values(admin_client.get(CHANGELIST), "changelist-form")

    data.update({"form-0-quantity": "9", "form-0-price": "7.50", "_save": "Save"})
    response = admin_client.post(CHANGELIST, data)

    assert response.status_code == 302
    assert _stock(product) == (9, [9])
    assert product.price == Decimal("7.50")


def test_the_changelist_refuses_a_stock_for_a_product_with_several_variants(admin_client):
    product = ProductFactory(quantity=4)
    ProductVariantFactory(product=product, size="L", quantity=0)
    data = form_values(admin_client.get(CHANGELIST), "changelist-form")

    data.update({"form-0-quantity": "9", "_save": "Save"})
    response = admin_client.post(CHANGELIST, data)

    assert response.status_code == 200
    assert "set the stock of each on its page" in response.content.decode()
    assert _stock(product) == (4, [4, 0])


# --- Stock adjustments and low stock --------------------------------------------


def _adjust_url(variant: ProductVariant) -> str:
    return reverse("admin:catalog_productvariant_adjust_stock", args=[variant.pk])


def test_a_stock_adjustment_with_a_reason_moves_the_stock(admin_client):
    product = ProductFactory(quantity=10)
    variant = product.variants.get()
    data = form_values(admin_client.get(_adjust_url(variant)), "stock-adjust-form")

    data.update({"delta": "-2", "reason": "Broken in the warehouse"})
    response = admin_client.post(_adjust_url(variant), data)

    assert response.status_code == 302
    assert _stock(product) == (8, [8])
    adjustment = StockAdjustment.objects.get(variant=variant)
    assert (adjustment.delta, adjustment.reason, adjustment.actor.is_superuser) == (-2, "Broken in the warehouse", True)


def test_a_counted_stock_is_refused_when_a_sale_came_first(admin_client):
    product = ProductFactory(quantity=10)
    variant = product.variants.get()
    data = form_values(admin_client.get(_adjust_url(variant)), "stock-adjust-form")
    _sell(variant, 3)

    data.update({"counted": "10", "reason": "Stocktake"})
    response = admin_client.post(_adjust_url(variant), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _stock(product) == (7, [7])


def test_an_adjustment_needs_a_reason_and_one_kind_of_change(admin_client):
    variant = ProductFactory(quantity=10).variants.get()

    response = admin_client.post(_adjust_url(variant), {"delta": "1", "counted": "3", "shown": "10"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason", "__all__"}
    variant.refresh_from_db()
    assert variant.quantity == 10


def test_the_low_stock_filter_lists_products_with_a_variant_at_the_threshold(admin_client, settings):
    settings.LOW_STOCK_THRESHOLD = 3
    low = ProductFactory(name="Low tee", quantity=50)
    ProductVariantFactory(product=low, size="S", quantity=3)
    ProductFactory(name="Full tee", quantity=50)
    empty = ProductFactory(name="Gone tee", quantity=0)
    retired = ProductFactory(name="Retired size tee", quantity=50)
    ProductVariantFactory(product=retired, size="XS", quantity=0, is_active=False)

    listed = admin_client.get(CHANGELIST + "?stock=low").context["cl"].result_list
    variants = admin_client.get(reverse("admin:catalog_productvariant_changelist") + "?stock=low")

    assert {product.name for product in listed} == {low.name, empty.name}
    assert {variant.product.name for variant in variants.context["cl"].result_list} == {
        low.name,
        empty.name,
        retired.name,
    }
