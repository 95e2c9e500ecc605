"""Shipping methods, coupons and tax rates through the API: the routes, the cart, checkout and the order snapshot."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import OfferFactory, ProductFactory
from conftest import SHIPPING, client_for
from orders.models import CartItem, Coupon, CouponCustomerUse, Order, TaxRate
from orders.tests.factories import (
    CartFactory,
    CartItemFactory,
    CouponFactory,
    ShippingMethodFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
FR = {**SHIPPING, "country": "FR"}


def _cart_with(user, *lines):
    """`user`'s cart holding (price, units) lines of fresh products."""
    cart = CartFactory(user=user)
    for price, units in lines:
        CartItemFactory(cart=cart, product=ProductFactory(price=D(price), quantity=50), quantity=units)
    return cart


def _amounts(body: dict) -> tuple:
    return tuple(body[key] for key in ("subtotal", "discount_total", "shipping_total", "tax_total", "total"))


def _checkout(client, **body):
    return client.post("/api/cart/checkout", {"shipping": FR, **body}, format="json")


# --- Routes ---------------------------------------------------------------------------


def test_anyone_lists_the_active_methods_serving_a_country(api_client):
    everywhere = ShippingMethodFactory(name="Post", price=D("4.90"), free_over=D("50.00"), estimated_days=5)
    france = ShippingMethodFactory(name="Courier", price=D("9.00"), countries=["FR", "BE"], estimated_days=1)
    ShippingMethodFactory(name="Germany only", countries=["DE"])
    ShippingMethodFactory(name="Retired", is_active=False)

    response = api_client.get("/api/shipping-methods?country=fr")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": everywhere.pk,
            "name": "Post",
            "price": "4.90",
            "free_over": "50.00",
            "estimated_days": 5,
            "countries": [],
            "is_active": True,
        },
        {
            "id": france.pk,
            "name": "Courier",
            "price": "9.00",
            "free_over": None,
            "estimated_days": 1,
            "countries": ["BE", "FR"],
            "is_active": True,
        },
    ]
    assert [m["name"] for m in api_client.get("/api/shipping-methods").json()["results"]] == [
        "Post",
        "Germany only",
        "Courier",
    ]


def test_shipping_methods_with_an_unknown_country_is_400(api_client):
    response = api_client.get("/api/shipping-methods?country=XX")

    assert response.status_code == 400
    assert response.json()["field"] == "country"


@pytest.mark.parametrize("limit", [1, 20])
def test_shipping_method_list_costs_the_same_queries_whatever_the_page_size(
    api_client, limit, django_assert_num_queries
):
    ShippingMethodFactory.create_batch(3)

    with django_assert_num_queries(2):
        response = api_client.get(f"/api/shipping-methods?limit={limit}")
    assert len(response.json()["results"]) == min(limit, 3)


def test_staff_manage_shipping_methods_and_customers_cannot(staff_client, customer_client):
    body = {"name": "Express", "price": "12.90", "free_over": "100.00", "countries": ["fr", "Belgium"]}

    assert customer_client.post("/api/shipping-methods", body, format="json").status_code == 403
    created = staff_client.post("/api/shipping-methods", body, format="json")

    assert created.status_code == 201
    method_id = created.json()["id"]
    assert created.json()["countries"] == ["BE", "FR"]
    changed = staff_client.patch(f"/api/shipping-methods/{method_id}", {"is_active": False}, format="json")
    assert changed.json()["is_active"] is False
    assert staff_client.get("/api/shipping-methods?country=FR").json()["results"] == []
    deleted = staff_client.delete(f"/api/shipping-methods/{method_id}")
    assert deleted.json() == {"message": "Shipping method deleted"}


def test_staff_create_a_coupon_whose_code_is_unique_whatever_its_case(staff_client, customer_client):
    body = {"code": " welcome10 ", "kind": "percent", "value": "10", "usage_limit": 100, "per_customer_limit": 1}

    assert customer_client.get("/api/coupons").status_code == 403
    created = staff_client.post("/api/coupons", body, format="json")
    again = staff_client.post("/api/coupons", {**body, "code": "Welcome10"}, format="json")

    assert created.status_code == 201
    assert created.json() | {"id": 0} == {
        "id": 0,
        "code": "WELCOME10",
        "kind": "percent",
        "value": "10.00",
        "min_subtotal": "0.00",
        "starts_at": None,
        "ends_at": None,
        "usage_limit": 100,
        "per_customer_limit": 1,
        "times_used": 0,
        "is_active": True,
    }
    assert again.status_code == 400
    assert again.json()["field"] == "code"
    assert Coupon.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "percent", "value": "100.01"}, "value"),
        ({"kind": "fixed", "value": "0"}, "value"),
        ({"kind": "half", "value": "5"}, "kind"),
        ({"kind": "fixed", "value": "5", "starts_at": "2026-02-01T00:00Z", "ends_at": "2026-01-01T00:00Z"}, "ends_at"),
    ],
)
def test_a_coupon_out_of_range_is_400(staff_client, body, field):
    response = staff_client.post("/api/coupons", {"code": "X", **body}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == field


def test_times_used_is_read_only(staff_client):
    coupon = CouponFactory(times_used=3)

    response = staff_client.patch(f"/api/coupons/{coupon.pk}", {"times_used": 0, "value": "15"}, format="json")

    # A read-only field is not one the route takes: refused whole, nothing changed.
    assert response.status_code == 400 and response.json()["field"] == "times_used"
    coupon.refresh_from_db()
    assert (coupon.times_used, coupon.value) == (3, D("10.00"))


@pytest.mark.parametrize("limit", [1, 20])
def test_coupon_and_tax_rate_lists_cost_the_same_queries_whatever_the_page_size(
    staff_client, limit, django_assert_num_queries
):
    CouponFactory.create_batch(3)
    for country in ("FR", "DE", "IT"):
        TaxRateFactory(country=country)

    for url in ("/api/coupons", "/api/tax-rates"):
        # The staff check reads the user (1 query), then the count and the page.
        with django_assert_num_queries(3):
            response = staff_client.get(f"{url}?limit={limit}")
        assert len(response.json()["results"]) == min(limit, 3)


def test_staff_manage_tax_rates(staff_client, customer_client):
    created = staff_client.post("/api/tax-rates", {"country": "fr", "rate": "20", "name": "TVA"}, format="json")

    assert created.status_code == 201
    assert created.json() | {"id": 0} == {"id": 0, "country": "FR", "rate": "20.00", "name": "TVA"}
    assert staff_client.post("/api/tax-rates", {"country": "FR", "rate": "5"}, format="json").status_code == 400
    assert staff_client.post("/api/tax-rates", {"country": "DE", "rate": "101"}, format="json").status_code == 400
    assert customer_client.get("/api/tax-rates").status_code == 403


# --- Cart -----------------------------------------------------------------------------


def test_cart_shows_every_amount_with_the_only_method_serving_the_country(customer_client, customer):
    _cart_with(customer, ("30.00", 1), ("7.75", 2))
    method = ShippingMethodFactory(name="Post", price=D("4.90"), countries=["FR"])
    ShippingMethodFactory(countries=["DE"])
    TaxRateFactory(country="FR", rate=D("20"))
    customer_client.post("/api/cart/coupon", {"code": "save10"}, format="json")
    CouponFactory(code="SAVE10", kind="fixed", value=D("5.00"))
    applied = customer_client.post("/api/cart/coupon?country=FR", {"code": "save10"}, format="json")

    assert applied.status_code == 200
    body = applied.json()
    # 45.50 - 5.00 + 4.90 = 45.40, tax inside it 45.40 / 6 = 7.5666..
    assert _amounts(body) == ("45.50", "5.00", "4.90", "7.57", "45.40")
    assert (body["coupon_code"], body["coupon_error"]) == ("SAVE10", None)
    assert body["shipping_method"] == {"id": method.pk, "name": "Post", "price": "4.90"}
    # Without a country: no method serves every country, and no tax rate applies.
    assert _amounts(customer_client.get("/api/cart").json()) == ("45.50", "5.00", "0.00", "0.00", "40.50")


def test_cart_prices_the_method_chosen_when_several_serve(customer_client, customer):
    _cart_with(customer, ("10.00", 1))
    ShippingMethodFactory(price=D("3.00"))
    express = ShippingMethodFactory(name="Express", price=D("9.00"))

    unchosen = customer_client.get("/api/cart?country=FR").json()
    chosen = customer_client.get(f"/api/cart?country=FR&shipping_method_id={express.pk}").json()

    assert (unchosen["shipping_method"], unchosen["shipping_total"]) == (None, "0.00")
    assert (chosen["shipping_method"]["name"], chosen["total"]) == ("Express", "19.00")


def test_cart_refuses_a_method_that_does_not_serve_the_country(customer_client, customer):
    method = ShippingMethodFactory(countries=["DE"])

    response = customer_client.get(f"/api/cart?country=FR&shipping_method_id={method.pk}")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("shipping_method_unavailable", "shipping_method_id")


def test_delete_cart_coupon_returns_the_cart_without_it(customer_client, customer):
    _cart_with(customer, ("20.00", 1))
    customer_client.post("/api/cart/coupon", {"code": CouponFactory().code}, format="json")

    response = customer_client.delete("/api/cart/coupon")

    assert response.status_code == 200
    assert (response.json()["coupon_code"], response.json()["discount_total"], response.json()["total"]) == (
        None,
        "0.00",
        "20.00",
    )


def test_cart_keeps_a_coupon_that_stopped_applying_and_says_why(customer_client, customer):
    cart = _cart_with(customer, ("60.00", 1))
    customer_client.post("/api/cart/coupon", {"code": CouponFactory(min_subtotal=D("50.00")).code}, format="json")
    cart.items.update(product=ProductFactory(price=D("40.00")))

    body = customer_client.get("/api/cart").json()

    assert (body["discount_total"], body["total"]) == ("0.00", "40.00")
    assert body["coupon_error"] == "This coupon needs a subtotal of at least 50.00 USD."


def _used_by(customer, coupon):
    CouponCustomerUse.objects.create(coupon=coupon, user=customer, times_used=1)
    return coupon


NOW = timezone.now()
REASONS = {
    "unknown": (lambda customer: "NOPE", "This coupon code does not exist."),
    "inactive is unknown": (lambda customer: CouponFactory(is_active=False).code, "This coupon code does not exist."),
    "not_started": (
        lambda customer: CouponFactory(starts_at=NOW + timedelta(days=1)).code,
        "This coupon is not valid yet.",
    ),
    "ended": (
        lambda customer: CouponFactory(starts_at=NOW - timedelta(days=9), ends_at=NOW - timedelta(days=1)).code,
        "This coupon has expired.",
    ),
    "minimum_not_reached": (
        lambda customer: CouponFactory(min_subtotal=D("50.00")).code,
        "This coupon needs a subtotal of at least 50.00 USD.",
    ),
    "used_up": (lambda customer: CouponFactory(usage_limit=2, times_used=2).code, "This coupon has been used up."),
    "already_used": (
        lambda customer: _used_by(customer, CouponFactory(per_customer_limit=1)).code,
        "You have already used this coupon.",
    ),
}


@pytest.mark.parametrize(("make_code", "message"), REASONS.values(), ids=REASONS.keys())
def test_every_coupon_refusal_says_why(customer_client, customer, make_code, message, request):
    _cart_with(customer, ("49.99", 1))
    code = make_code(customer)

    response = customer_client.post("/api/cart/coupon", {"code": code}, format="json")

    assert response.status_code == 400
    reason = request.node.callspec.id.split(" ")[0]
    assert response.json() == {
        "error": message,
        "code": "coupon_invalid",
        "field": "code",
        "reason": "unknown" if reason == "inactive" else reason,
    }
    assert customer.cart.coupon is None


def test_a_customer_over_their_own_limit_of_two_is_refused_on_the_third(customer_client, customer):
    coupon = CouponFactory(per_customer_limit=2)
    cart = CartFactory(user=customer)
    for _ in range(2):
        CartItemFactory(cart=cart, product=ProductFactory(quantity=5))
        assert customer_client.post("/api/cart/coupon", {"code": coupon.code}, format="json").status_code == 200
        assert _checkout(customer_client).status_code == 201
    CartItemFactory(cart=cart, product=ProductFactory(quantity=5))

    response = customer_client.post("/api/cart/coupon", {"code": coupon.code}, format="json")

    assert response.json()["reason"] == "already_used"
    coupon.refresh_from_db()
    assert coupon.times_used == 2
    assert CouponCustomerUse.objects.get(coupon=coupon, user=customer).times_used == 2


# --- Checkout and orders ----------------------------------------------------------------


def test_checkout_of_a_multi_line_cart_with_offers_charges_what_the_cart_showed(customer_client, customer):
    # given 3 x 19.99 at 25 % off (14.99 each) and 1 x 10.00, a 10 % coupon, free shipping over 50, FR at 20 %
    cart = CartFactory(user=customer)
    coat = ProductFactory(price=D("19.99"), quantity=10)
    OfferFactory(product=coat, discount_percentage=D("25"))
    CartItemFactory(cart=cart, product=coat, quantity=3)
    CartItemFactory(cart=cart, product=ProductFactory(price=D("10.00"), quantity=10), quantity=1)
    method = ShippingMethodFactory(name="Post", price=D("4.90"), free_over=D("50.00"))
    TaxRateFactory(country="FR", rate=D("20"))
    customer_client.post("/api/cart/coupon", {"code": CouponFactory(code="TEN").code}, format="json")
    shown = customer_client.get("/api/cart?country=FR").json()

    # when
    response = _checkout(customer_client, shipping_method_id=method.pk)

    # then 54.97 - 5.50 + 0 = 49.47, tax inside 49.47 / 6 = 8.245 -> 8.25
    assert response.status_code == 201
    order = response.json()["order"]
    assert _amounts(order) == _amounts(shown) == ("54.97", "5.50", "0.00", "8.25", "49.47")
    assert (order["coupon_code"], order["shipping_method"]) == (
        "TEN",
        {"id": method.pk, "name": "Post", "price": "4.90"},
    )
    assert (order["balance_due"], customer.cart.coupon) == ("49.47", None)
    assert Coupon.objects.get(code="TEN").times_used == 1


def test_checkout_with_tax_added_on_top(customer_client, customer, settings):
    settings.PRICES_INCLUDE_TAX = False
    _cart_with(customer, ("49.47", 1))
    TaxRateFactory(country="FR", rate=D("20"))

    response = _checkout(customer_client)

    # 20 % of 49.47 = 9.894
    assert _amounts(response.json()["order"]) == ("49.47", "0.00", "0.00", "9.89", "59.36")


def test_checkout_without_any_shipping_method_works_as_before(customer_client, customer):
    _cart_with(customer, ("10.00", 2))

    response = customer_client.post("/api/cart/checkout", {"shipping": SHIPPING}, format="json")

    assert response.status_code == 201
    assert _amounts(response.json()["order"]) == ("20.00", "0.00", "0.00", "0.00", "20.00")
    assert response.json()["order"]["shipping_method"] is None


def test_checkout_needs_a_method_when_one_serves_the_country(customer_client, customer):
    _cart_with(customer, ("10.00", 1))
    ShippingMethodFactory(countries=["FR"])

    response = _checkout(customer_client)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("shipping_method_required", "shipping_method_id")
    assert CartItem.objects.count() == 1


@pytest.mark.parametrize("method", [{"countries": ["DE"]}, {"is_active": False}])
def test_checkout_with_a_method_not_serving_the_country_is_400(customer_client, customer, method):
    _cart_with(customer, ("10.00", 1))
    unavailable = ShippingMethodFactory(**method)

    response = _checkout(customer_client, shipping_method_id=unavailable.pk)

    assert response.status_code == 400
    assert response.json()["code"] == "shipping_method_unavailable"
    assert not Order.objects.exists()


def test_checkout_checks_the_coupon_again_and_leaves_the_cart_as_it_was(customer_client, customer):
    product = ProductFactory(price=D("10.00"), quantity=5)
    CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=1)
    coupon = CouponFactory()
    customer_client.post("/api/cart/coupon", {"code": coupon.code}, format="json")
    Coupon.objects.filter(pk=coupon.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

    response = _checkout(customer_client)

    assert response.status_code == 400
    assert response.json() == {
        "error": "This coupon has expired.",
        "code": "coupon_invalid",
        "field": "coupon_code",
        "reason": "ended",
    }
    product.refresh_from_db()
    assert (product.quantity, CartItem.objects.count(), Order.objects.count()) == (5, 1, 0)
    coupon.refresh_from_db()
    assert coupon.times_used == 0


def test_post_orders_takes_the_method_and_a_coupon(customer_client):
    product = ProductFactory(price=D("40.00"), quantity=5)
    method = ShippingMethodFactory(price=D("6.00"))
    CouponFactory(code="FIVE", kind="fixed", value=D("5.00"))

    response = customer_client.post(
        "/api/orders",
        {
            "items": [{"product_id": product.pk, "quantity": 1}],
            "shipping": FR,
            "shipping_method_id": method.pk,
            "coupon_code": "five",
        },
        format="json",
    )

    assert response.status_code == 201
    assert _amounts(response.json()["order"]) == ("40.00", "5.00", "6.00", "0.00", "41.00")
    assert response.json()["order"]["coupon_code"] == "FIVE"


def _placed(client, *, coupon: Coupon, method):
    product = ProductFactory(price=D("40.00"), quantity=5)
    response = client.post(
        "/api/orders",
        {
            "items": [{"product_id": product.pk, "quantity": 1}],
            "shipping": FR,
            "shipping_method_id": method.pk,
            "coupon_code": coupon.code,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["order_id"])


def test_a_placed_order_keeps_its_amounts_when_coupon_method_and_rate_change(customer_client, staff_client):
    coupon = CouponFactory(value=D("10"))
    method = ShippingMethodFactory(name="Post", price=D("6.00"))
    rate = TaxRateFactory(country="FR", rate=D("20"))
    order = _placed(customer_client, coupon=coupon, method=method)
    before = customer_client.get(f"/api/orders/{order.pk}").json()

    for url, change in [
        (f"/api/coupons/{coupon.pk}", {"value": "50"}),
        (f"/api/shipping-methods/{method.pk}", {"price": "20.00", "name": "Slow"}),
        (f"/api/tax-rates/{rate.pk}", {"rate": "5"}),
    ]:
        assert staff_client.patch(url, change, format="json").status_code == 200
    after = customer_client.get(f"/api/orders/{order.pk}").json()

    # 40.00 - 4.00 + 6.00 = 42.00, tax inside 42.00 / 6 = 7.00
    assert _amounts(before) == _amounts(after) == ("40.00", "4.00", "6.00", "7.00", "42.00")
    assert after["shipping_method"] == {"id": method.pk, "name": "Post", "price": "6.00"}


def test_an_edited_order_is_repriced_on_the_terms_it_was_placed_with(customer_client, staff_client):
    coupon = CouponFactory(value=D("10"))
    method = ShippingMethodFactory(price=D("6.00"))
    TaxRateFactory(country="FR", rate=D("20"))
    order = _placed(customer_client, coupon=coupon, method=method)
    Coupon.objects.filter(pk=coupon.pk).update(value=D("50"))
    method.price = D("20.00")
    method.save()
    other = ProductFactory(price=D("30.00"), quantity=5)

    response = customer_client.put(
        f"/api/orders/{order.pk}", {"items": [{"product_id": other.pk, "quantity": 2}]}, format="json"
    )

    assert response.status_code == 200
    # 60.00 - 6.00 + 6.00 = 60.00, tax inside 10.00
    assert _amounts(response.json()["order"]) == ("60.00", "6.00", "6.00", "10.00", "60.00")


def test_a_cancelled_unpaid_order_gives_its_coupon_use_back_once(customer_client, customer, staff_client):
    coupon = CouponFactory(usage_limit=1, per_customer_limit=1)
    order = _placed(customer_client, coupon=coupon, method=ShippingMethodFactory())
    coupon.refresh_from_db()
    assert coupon.times_used == 1

    cancelled = customer_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled"}, format="json")
    staff_client.delete(f"/api/orders/{order.pk}")

    assert cancelled.status_code == 200
    assert cancelled.json()["coupon_code"] == coupon.code
    coupon.refresh_from_db()
    assert coupon.times_used == 0
    assert CouponCustomerUse.objects.get(coupon=coupon, user=customer).times_used == 0
    # The use is free again: for this customer as for anyone.
    assert _placed(customer_client, coupon=coupon, method=ShippingMethodFactory()).coupon_code == coupon.code


def test_a_deleted_pending_order_gives_its_coupon_use_back(customer_client):
    coupon = CouponFactory(usage_limit=3)
    order = _placed(customer_client, coupon=coupon, method=ShippingMethodFactory())

    assert customer_client.delete(f"/api/orders/{order.pk}").status_code == 200

    coupon.refresh_from_db()
    assert coupon.times_used == 0


def test_a_paid_order_cancelled_keeps_its_coupon_use(customer_client, staff_client):
    coupon = CouponFactory(usage_limit=3)
    order = _placed(customer_client, coupon=coupon, method=ShippingMethodFactory())
    staff_client.post(
        "/api/payments", {"order_id": order.pk, "amount": str(order.total), "method": "cash"}, format="json"
    )

    assert staff_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled"}, format="json").status_code == 200

    coupon.refresh_from_db()
    assert coupon.times_used == 1


def test_statistics_report_discounts_shipping_and_tax_apart_from_revenue(customer_client, staff_client):
    TaxRateFactory(country="FR", rate=D("20"))
    order = _placed(customer_client, coupon=CouponFactory(value=D("10")), method=ShippingMethodFactory(price=D("6.00")))
    staff_client.post(
        "/api/payments", {"order_id": order.pk, "amount": str(order.total), "method": "cash"}, format="json"
    )

    profit = staff_client.get("/api/statistics/profit").json()

    # One order: 40.00 of product, 4.00 off, 6.00 shipping, 7.00 tax inside 42.00; cost 12.00 (factory)
    assert {key: profit[key] for key in ("revenue", "discounts", "shipping", "tax", "orders_count")} == {
        "revenue": "40.00",
        "discounts": "4.00",
        "shipping": "6.00",
        "tax": "7.00",
        "orders_count": 1,
    }
    assert D(profit["profit"]) == D("40.00") - D("4.00") - D(profit["cost"])


def test_another_customer_is_not_bound_by_someones_per_customer_use(customer_client):
    coupon = CouponFactory(per_customer_limit=1)
    _placed(customer_client, coupon=coupon, method=ShippingMethodFactory())

    other = _placed(client_for(UserFactory()), coupon=coupon, method=ShippingMethodFactory())

    assert other.coupon_code == coupon.code
    coupon.refresh_from_db()
    assert coupon.times_used == 2


@pytest.mark.parametrize("country", [{}, [], 7])
def test_a_country_that_is_not_a_code_is_refused_not_stored_as_none(staff_client, country):
    # django-countries reads {} and [] as "" (no country); a tax rate for no country was stored.
    response = staff_client.post("/api/tax-rates", {"country": country, "rate": "20", "name": "VAT"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "country"
    assert not TaxRate.objects.exists()
