from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import OfferFactory, ProductFactory
from conftest import SHIPPING, client_for
from orders.models import Order, OrderStatus
from orders.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


def _place(client, *items, **extra):
    payload = {"items": [{"product_id": p.pk, "quantity": q, "size": "", "color": ""} for p, q in items], **extra}
    return client.post("/api/orders", payload, format="json")


def _quantity(product) -> int:
    product.refresh_from_db()
    return product.quantity


# --- anonymous ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/orders"),
        ("post", "/api/orders"),
        ("get", "/api/orders/1"),
        ("put", "/api/orders/1"),
        ("patch", "/api/orders/1"),
        ("delete", "/api/orders/1"),
        ("get", "/api/orders/user/1"),
    ],
)
def test_order_routes_need_authentication(api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json")

    assert response.status_code == 401


# --- POST /api/orders --------------------------------------------------------------------


def test_place_order_returns_201_with_the_order(customer_client, customer):
    product = ProductFactory(name="Mug", price=Decimal("12.00"), quantity=5, sizes=["L"], colors=["White"])
    OfferFactory(product=product, discount_percentage=Decimal("50"))

    response = customer_client.post(
        "/api/orders",
        {"items": [{"product_id": product.pk, "quantity": 2, "size": "L", "color": "white"}], "shipping": SHIPPING},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert (body["message"], body["order_id"], body["status"]) == ("Order created", order.pk, "pending")
    assert body["order"]["items"] == [
        {
            "id": order.items.get().pk,
            "product_id": product.pk,
            "product_name": "Mug",
            "variant_id": product.variants.get().pk,
            "sku": "",
            "unit_price": "12.00",
            "discount_percentage": "50.00",
            "quantity": 2,
            "size": "L",
            "color": "White",
            "line_total": "12.00",
        }
    ]
    assert {key: body["order"][key] for key in ("user_id", "subtotal", "total", "amount_paid", "balance_due")} == {
        "user_id": customer.pk,
        "subtotal": "12.00",
        "total": "12.00",
        "amount_paid": "0.00",
        "balance_due": "12.00",
    }
    assert body["order"]["shipping"] == SHIPPING
    assert body["order"]["currency"] == "USD"
    assert _quantity(product) == 3


@pytest.mark.parametrize("extra", [{}, {"shipping": None}])
def test_place_order_without_shipping_is_allowed(customer_client, extra):
    response = _place(customer_client, (ProductFactory(), 1), **extra)

    assert response.status_code == 201
    assert response.json()["order"]["shipping"]["country"] == ""


@pytest.mark.parametrize("country", ["ma", "Morocco"])
def test_shipping_country_is_stored_as_its_alpha2_code(customer_client, country):
    response = _place(customer_client, (ProductFactory(), 1), shipping={**SHIPPING, "country": country})

    assert response.status_code == 201
    assert response.json()["order"]["shipping"]["country"] == "MA"
    assert Order.objects.get().shipping_country.code == "MA"


def test_place_order_short_of_stock_is_409(customer_client):
    product = ProductFactory(quantity=1, name="Last lamp")

    response = _place(customer_client, (product, 2))

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"], body["product_id"]) == ("out_of_stock", "items", product.pk)
    assert "Last lamp" in body["error"]
    assert not Order.objects.exists()


def test_place_order_with_unknown_product_is_400(customer_client):
    response = _place(customer_client, (ProductFactory(), 1), (ProductFactory.build(pk=987654), 1))

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "items.1.product_id")
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "items"),
        ({"items": []}, "items"),
        ({"items": [{"product_id": 1}]}, "items.0.quantity"),
        ({"items": [{"product_id": 1, "quantity": 0}]}, "items.0.quantity"),
        ({"items": [{"product_id": "one", "quantity": 1}]}, "items.0.product_id"),
        ({"items": "nope"}, "items"),
        (
            {"items": [{"product_id": 1, "quantity": 1}], "shipping": {**SHIPPING, "country": "Atlantis"}},
            "shipping.country",
        ),
        ({"items": [{"product_id": 1, "quantity": 1}], "status": "lost"}, "status"),
    ],
)
def test_place_order_with_bad_input_is_400(customer_client, payload, field):
    response = customer_client.post("/api/orders", payload, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", field)


def test_customer_may_name_themselves_and_send_status_pending(customer_client, customer):
    response = _place(customer_client, (ProductFactory(), 1), utilisateur_id=customer.pk, status="Pending")

    assert response.status_code == 201
    assert Order.objects.get().user == customer


def test_customer_cannot_order_for_another_user(customer_client):
    other = UserFactory()

    for key in ("user_id", "utilisateur_id"):
        response = _place(customer_client, (ProductFactory(), 1), **{key: other.pk})
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert not Order.objects.exists()


def test_customer_cannot_set_a_status(customer_client):
    response = _place(customer_client, (ProductFactory(), 1), status="paid")

    assert response.status_code == 403
    assert not Order.objects.exists()


def test_staff_places_an_order_for_a_user_with_a_status(staff_client, customer):
    product = ProductFactory(quantity=3)

    response = _place(staff_client, (product, 3), utilisateur_id=customer.pk, status="processing")

    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.user, order.status) == (customer, "processing")
    assert _quantity(product) == 0


def test_staff_ordering_for_an_unknown_user_is_400(staff_client):
    response = _place(staff_client, (ProductFactory(), 1), utilisateur_id=999999)

    assert response.status_code == 400
    assert response.json()["field"] == "user_id"


def test_customer_naming_an_unknown_user_is_403_like_any_other(customer_client):
    response = _place(customer_client, (ProductFactory(), 1), user_id=999999)

    assert response.status_code == 403


def test_user_id_and_its_alias_must_agree(staff_client, customer, staff):
    response = _place(staff_client, (ProductFactory(), 1), user_id=customer.pk, utilisateur_id=staff.pk)

    assert response.status_code == 400
    assert response.json()["field"] == "user_id"


# --- GET /api/orders ------------------------------------------------------------------------


def test_customer_lists_only_their_orders_newest_first_without_items(customer_client, customer):
    older, newer = OrderFactory(user=customer), OrderFactory(user=customer)
    OrderItemFactory(order=newer)
    OrderFactory()

    response = customer_client.get("/api/orders")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [order["id"] for order in body["results"]] == [newer.pk, older.pk]
    assert "items" not in body["results"][0]
    assert body["results"][0]["shipping"]["country"] == "FR"


def test_staff_lists_all_orders_and_filters_by_status_and_user(staff_client, customer):
    mine = OrderFactory(user=customer, status=OrderStatus.PAID)
    OrderFactory(user=customer)
    OrderFactory(status=OrderStatus.PAID)

    assert staff_client.get("/api/orders").json()["count"] == 3
    response = staff_client.get(f"/api/orders?status=paid&user={customer.pk}")
    assert [order["id"] for order in response.json()["results"]] == [mine.pk]


def test_customer_user_filter_never_reveals_others(customer_client):
    other = OrderFactory()

    response = customer_client.get(f"/api/orders?user={other.user_id}")

    assert response.json()["count"] == 0


def test_list_with_an_unknown_status_is_400(customer_client):
    response = customer_client.get("/api/orders?status=lost")

    assert response.status_code == 400
    assert response.json()["field"] == "status"


@pytest.mark.parametrize("limit", [5, 100])
def test_order_list_costs_three_queries_whatever_the_page_size(staff, limit, django_assert_num_queries):
    for order in OrderFactory.create_batch(30):
        OrderItemFactory(order=order)
    client = client_for(staff)

    # the user behind the token, the count, the page
    with django_assert_num_queries(3):
        response = client.get(f"/api/orders?limit={limit}")
    assert len(response.json()["results"]) == min(limit, 30)


# --- GET /api/orders/<id> --------------------------------------------------------------------


def test_owner_reads_the_order_with_items(customer_client, customer):
    order = OrderFactory(user=customer)
    item = OrderItemFactory(order=order, product_name="Tea pot")

    response = customer_client.get(f"/api/orders/{order.pk}/")

    assert response.status_code == 200
    assert [line["product_name"] for line in response.json()["items"]] == ["Tea pot"]
    assert response.json()["items"][0]["id"] == item.pk


def test_staff_reads_any_order(staff_client):
    order = OrderFactory()

    assert staff_client.get(f"/api/orders/{order.pk}").status_code == 200


def test_another_customers_order_is_404(customer_client):
    order = OrderFactory()

    response = customer_client.get(f"/api/orders/{order.pk}")

    assert response.status_code == 404
    assert response.json() == {"error": "Order not found", "code": "not_found"}


def test_order_still_reads_after_its_product_was_deleted(customer_client, customer):
    order = OrderFactory(user=customer)
    item = OrderItemFactory(order=order, product_name="Retired chair")
    item.product.delete()

    response = customer_client.get(f"/api/orders/{order.pk}")

    assert response.json()["items"][0]["product_id"] is None
    assert response.json()["items"][0]["product_name"] == "Retired chair"


# --- GET /api/orders/user/<id> --------------------------------------------------------------------


def test_user_reads_their_own_orders(customer_client, customer):
    mine = OrderFactory(user=customer)
    OrderFactory()

    response = customer_client.get(f"/api/orders/user/{customer.pk}")

    assert response.status_code == 200
    assert [order["id"] for order in response.json()["results"]] == [mine.pk]


def test_user_cannot_read_another_users_orders(customer_client):
    other = OrderFactory().user

    response = customer_client.get(f"/api/orders/user/{other.pk}")

    assert response.status_code == 403


def test_staff_reads_a_users_orders_and_unknown_user_is_404(staff_client, customer):
    OrderFactory.create_batch(2, user=customer)

    assert staff_client.get(f"/api/orders/user/{customer.pk}/").json()["count"] == 2
    response = staff_client.get("/api/orders/user/999999")
    assert (response.status_code, response.json()["error"]) == (404, "User not found")


@pytest.mark.parametrize("limit", [5, 100])
def test_user_orders_cost_the_same_queries_whatever_the_page_size(customer, limit, django_assert_num_queries):
    OrderFactory.create_batch(25, user=customer)
    client = client_for(customer)

    with django_assert_num_queries(3):
        response = client.get(f"/api/orders/user/{customer.pk}?limit={limit}")
    assert len(response.json()["results"]) == min(limit, 25)


# --- PUT /api/orders/<id> ------------------------------------------------------------------------


def test_owner_replaces_items_of_a_pending_order(customer_client):
    first, second = ProductFactory(quantity=5), ProductFactory(quantity=5)
    order_id = _place(customer_client, (first, 2)).json()["order_id"]

    response = customer_client.put(
        f"/api/orders/{order_id}", {"items": [{"product_id": second.pk, "quantity": 3}]}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["message"], body["order_id"]) == ("Order updated", order_id)
    assert [(line["product_id"], line["quantity"]) for line in body["order"]["items"]] == [(second.pk, 3)]
    assert (_quantity(first), _quantity(second)) == (5, 2)


def test_owner_cannot_replace_items_of_a_paid_order(customer_client, customer):
    product = ProductFactory()
    order = OrderFactory(user=customer, status=OrderStatus.PAID)

    response = customer_client.put(
        f"/api/orders/{order.pk}", {"items": [{"product_id": product.pk, "quantity": 1}]}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "order_locked"


def test_owner_cannot_set_status_through_put(customer_client):
    product = ProductFactory()
    order_id = _place(customer_client, (product, 1)).json()["order_id"]

    response = customer_client.put(
        f"/api/orders/{order_id}",
        {"items": [{"product_id": product.pk, "quantity": 1}], "status": "paid"},
        format="json",
    )

    assert response.status_code == 403


def test_put_short_of_stock_is_409_and_keeps_the_order(customer_client):
    product, scarce = ProductFactory(quantity=5), ProductFactory(quantity=0)
    order_id = _place(customer_client, (product, 1)).json()["order_id"]

    response = customer_client.put(
        f"/api/orders/{order_id}", {"items": [{"product_id": scarce.pk, "quantity": 1}]}, format="json"
    )

    assert response.status_code == 409
    assert list(Order.objects.get().items.values_list("product_id", flat=True)) == [product.pk]


def test_staff_put_with_status(staff_client, customer):
    product = ProductFactory(quantity=5)
    order_id = _place(staff_client, (product, 1), user_id=customer.pk).json()["order_id"]

    response = staff_client.put(
        f"/api/orders/{order_id}",
        {"items": [{"product_id": product.pk, "quantity": 2}], "status": "paid"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["order"]["status"] == "paid"
    assert _quantity(product) == 3


def test_put_on_another_customers_order_is_404(customer_client):
    order = OrderFactory()

    response = customer_client.put(
        f"/api/orders/{order.pk}", {"items": [{"product_id": ProductFactory().pk, "quantity": 1}]}, format="json"
    )

    assert response.status_code == 404


# --- PATCH /api/orders/<id> -------------------------------------------------------------------------


def test_staff_ships_with_a_tracking_number(staff_client):
    order = OrderFactory(status=OrderStatus.PROCESSING)

    response = staff_client.patch(
        f"/api/orders/{order.pk}", {"status": "shipped", "tracking_number": "1Z9"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["tracking_number"]) == ("shipped", "1Z9")


def test_illegal_move_is_409_with_the_allowed_statuses(staff_client):
    order = OrderFactory(status=OrderStatus.PENDING)

    response = staff_client.patch(f"/api/orders/{order.pk}", {"status": "delivered"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "error": "An order cannot move from pending to delivered.",
        "code": "illegal_status_transition",
        "field": "status",
        "allowed": ["paid", "cancelled"],
    }


def test_owner_cancels_and_stock_comes_back(customer_client):
    product = ProductFactory(quantity=5)
    order_id = _place(customer_client, (product, 4)).json()["order_id"]

    response = customer_client.patch(f"/api/orders/{order_id}", {"status": "cancelled"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert _quantity(product) == 5


@pytest.mark.parametrize("payload", [{"status": "paid"}, {"tracking_number": "X"}])
def test_owner_may_only_cancel(customer_client, customer, payload):
    order = OrderFactory(user=customer)

    response = customer_client.patch(f"/api/orders/{order.pk}", payload, format="json")

    assert response.status_code == 403
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("pending", "")


def test_patch_on_another_customers_order_is_404(customer_client):
    order = OrderFactory()

    response = customer_client.patch(f"/api/orders/{order.pk}", {"status": "cancelled"}, format="json")

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == "pending"


# --- DELETE /api/orders/<id> ---------------------------------------------------------------------------


def test_owner_deletes_a_pending_order_and_stock_comes_back(customer_client):
    product = ProductFactory(quantity=5)
    order_id = _place(customer_client, (product, 5)).json()["order_id"]

    response = customer_client.delete(f"/api/orders/{order_id}")

    assert response.status_code == 200
    assert response.json() == {"message": "Order deleted"}
    assert not Order.objects.exists()
    assert _quantity(product) == 5


def test_owner_cannot_delete_a_paid_order(customer_client, customer):
    order = OrderFactory(user=customer, status=OrderStatus.PAID)

    response = customer_client.delete(f"/api/orders/{order.pk}")

    assert response.status_code == 409
    assert Order.objects.filter(pk=order.pk).exists()


def test_order_with_payments_cannot_be_deleted(staff_client):
    order = OrderFactory(amount_paid=Decimal("10.00"))

    response = staff_client.delete(f"/api/orders/{order.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "order_has_payments"


def test_staff_deletes_a_processing_order(staff_client):
    order = OrderFactory(status=OrderStatus.PROCESSING)

    assert staff_client.delete(f"/api/orders/{order.pk}/").status_code == 200
    assert not Order.objects.exists()


def test_delete_of_another_customers_order_is_404(customer_client):
    order = OrderFactory()

    assert customer_client.delete(f"/api/orders/{order.pk}").status_code == 404
    assert Order.objects.filter(pk=order.pk).exists()
