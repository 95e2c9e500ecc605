from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from orders.models import Coupon, CouponKind
from orders.tests.factories import (
    CartFactory,
    CartItemFactory,
    CouponFactory,
    ShippingMethodFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["shippingmethod", "coupon", "taxrate"])
def test_totals_pages_list_and_add(admin_client, model):
    ShippingMethodFactory(countries=["FR"])
    CouponFactory()
    TaxRateFactory()

    assert admin_client.get(reverse(f"admin:orders_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:orders_{model}_add")).status_code == 200


def _coupon_form(**values) -> dict:
    return {
        "code": "spring",
        "kind": CouponKind.FIXED,
        "value": "5.00",
        "min_subtotal": "0",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "usage_limit": "10",
        "per_customer_limit": "",
        "is_active": "on",
    } | values


def test_a_coupon_added_in_the_admin_gets_its_code_normalised_and_stays_unique(admin_client):
    added = admin_client.post(reverse("admin:orders_coupon_add"), _coupon_form())
    again = admin_client.post(reverse("admin:orders_coupon_add"), _coupon_form(code="Spring"))

    assert added.status_code == 302
    assert list(Coupon.objects.values_list("code", flat=True)) == ["SPRING"]
    assert again.status_code == 200
    assert "already exists" in again.text


def test_editing_a_coupon_never_writes_back_a_stale_times_used(admin_client):
    coupon = CouponFactory(code="SPRING", kind=CouponKind.FIXED, value=Decimal("5.00"), usage_limit=10)
    page = reverse("admin:orders_coupon_change", args=[coupon.pk])
    admin_client.get(page)
    # Redemptions made while the page was open.
    Coupon.objects.filter(pk=coupon.pk).update(times_used=4)

    admin_client.post(page, _coupon_form(code="SPRING", value="7.00"))

    coupon.refresh_from_db()
    assert (coupon.value, coupon.times_used) == (Decimal("7.00"), 4)


def test_cart_page_shows_its_amounts_from_the_pricing_function(admin_client):
    cart = CartFactory()
    CartItemFactory(cart=cart, product=ProductFactory(price=Decimal("12.50")), quantity=2)
    cart.coupon = CouponFactory(kind=CouponKind.FIXED, value=Decimal("5.00"))
    cart.save()

    response = admin_client.get(reverse("admin:orders_cart_change", args=[cart.pk]))

    assert "subtotal 25.00, discount 5.00, shipping 0.00, tax 0.00, total 20.00 USD" in response.text
