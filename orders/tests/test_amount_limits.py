"""No amount a cart or an order reaches is wider than its column: refused with 400 before anything is written.

MariaDB refuses such a row, SQLite stores it and then cannot read it back (every list of
orders answered 500), so both databases run these.
"""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.services.stock import variant_stock_adjust
from catalog.tests.factories import ProductFactory
from orders.models import CartItem, Order, OrderItem, OrderStatus
from orders.tests.factories import CartFactory, CartItemFactory, OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

LARGEST = Decimal("9999999999.99")
TOO_LARGE = "more than the largest amount an order can hold (9999999999.99)."


def _refused(response, amount: str, field: str, what: str = "line total") -> None:
    assert response.status_code == 400
    assert response.json() == {
        "error": f"The {what} would be {amount}, {TOO_LARGE}",
        "code": "amount_too_large",
        "field": field,
    }


def _stock(product) -> int:
    return Product.objects.get(pk=product.pk).quantity


def _cart_lines(customer) -> list[tuple[int, int]]:
    return list(CartItem.objects.filter(cart__user=customer).order_by("id").values_list("product_id", "quantity"))


def _lists_still_answer(customer_client, staff_client) -> None:
    assert customer_client.get("/api/cart").status_code == 200
    assert customer_client.get("/api/orders").status_code == 200
    assert staff_client.get("/api/orders").status_code == 200


@pytest.mark.parametrize(
    ("price", "quantity", "line_total"),
    [(LARGEST, 2, "19999999999.98"), (Decimal("1000000.00"), 10_000, "10000000000.00")],
)
def test_an_order_line_too_large_to_store_is_400_and_nothing_is_written(
    customer_client, staff_client, price, quantity, line_total
):
    product = ProductFactory(price=price, quantity=20_000)

    response = customer_client.post("/api/orders", {"items": [{"product_id": product.pk, "quantity": quantity}]})

    _refused(response, line_total, "items.0.quantity")
    assert not Order.objects.exists()
    assert not OrderItem.objects.exists()
    assert _stock(product) == 20_000
    _lists_still_answer(customer_client, staff_client)


def test_an_order_whose_lines_fit_but_whose_total_does_not_is_400(customer_client, staff_client):
    first, second = ProductFactory(price=Decimal("6000000000.00")), ProductFactory(price=Decimal("6000000000.00"))
    lines = [{"product_id": first.pk, "quantity": 1}, {"product_id": second.pk, "quantity": 1}]

    response = customer_client.post("/api/orders", {"items": lines})

    _refused(response, "12000000000.00", "items", what="subtotal")
    assert not Order.objects.exists()
    assert (_stock(first), _stock(second)) == (10, 10)
    _lists_still_answer(customer_client, staff_client)


def test_replacing_an_order_s_items_with_too_large_ones_is_400_and_leaves_the_order(customer, customer_client):
    product = ProductFactory(price=LARGEST, quantity=10)
    order = OrderFactory(user=customer, subtotal=LARGEST, total=LARGEST)
    OrderItemFactory(order=order, product=product, unit_price=LARGEST, quantity=1, line_total=LARGEST)
    # As if the order had reserved its unit.
    variant_stock_adjust(variant_id=product.variants.get().pk, quantity=9)

    response = customer_client.put(f"/api/orders/{order.pk}", {"items": [{"product_id": product.pk, "quantity": 2}]})

    _refused(response, "19999999999.98", "items.0.quantity")
    assert list(order.items.values_list("quantity", "line_total")) == [(1, LARGEST)]
    assert _stock(product) == 9
    assert customer_client.get(f"/api/orders/{order.pk}").json()["total"] == str(LARGEST)


@pytest.mark.parametrize(
    ("price", "quantity", "line_total"),
    [(LARGEST, 2, "19999999999.98"), (Decimal("1000000.00"), 10_000, "10000000000.00")],
)
def test_a_cart_line_too_large_to_check_out_is_400_and_the_cart_stays_readable(
    customer, customer_client, staff_client, price, quantity, line_total
):
    product = ProductFactory(price=price, quantity=20_000)

    response = customer_client.post("/api/cart/items", {"product_id": product.pk, "quantity": quantity})

    _refused(response, line_total, "quantity")
    assert _cart_lines(customer) == []
    assert customer_client.get("/api/cart").json()["items"] == []
    _lists_still_answer(customer_client, staff_client)


def test_growing_a_cart_past_what_an_order_holds_is_400_and_leaves_the_cart(customer, customer_client):
    first, second = ProductFactory(price=Decimal("6000000000.00")), ProductFactory(price=Decimal("6000000000.00"))
    assert customer_client.post("/api/cart/items", {"product_id": first.pk, "quantity": 1}).status_code == 201

    added = customer_client.post("/api/cart/items", {"product_id": second.pk, "quantity": 1})
    item = CartItem.objects.get()
    patched = customer_client.patch(f"/api/cart/items/{item.pk}", {"quantity": 2})

    _refused(added, "12000000000.00", "quantity", what="subtotal")
    _refused(patched, "12000000000.00", "quantity")
    assert _cart_lines(customer) == [(first.pk, 1)]
    assert customer_client.get("/api/cart").json()["total"] == "6000000000.00"


def test_a_cart_priced_past_what_an_order_holds_after_a_price_rise_reads_but_does_not_check_out(
    customer, customer_client, staff_client
):
    product = ProductFactory(price=Decimal("4000000000.00"), quantity=10)
    CartItemFactory(cart=CartFactory(user=customer), product=product, quantity=2)
    raised = staff_client.patch(f"/api/products/{product.pk}", {"price": "9000000000.00"})
    assert raised.status_code == 200

    cart = customer_client.get("/api/cart")
    checkout = customer_client.post(
        "/api/cart/checkout",
        {"shipping": {"full_name": "Ada", "address": "1 Road", "city": "Paris", "country": "FR"}},
    )

    assert cart.status_code == 200
    assert cart.json()["total"] == "18000000000.00"
    _refused(checkout, "18000000000.00", "items.0.quantity")
    assert _cart_lines(customer) == [(product.pk, 2)]
    assert not Order.objects.exists()
    assert _stock(product) == 10


@pytest.mark.parametrize("field", ["price", "cost_price"])
def test_a_product_amount_wider_than_its_column_is_400(staff_client, field):
    body = {"name": "Gold bar", "price": "1.00", "quantity": 1} | {field: "10000000000.00"}

    response = staff_client.post("/api/products", body)

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (400, "invalid", field)
    assert not Product.objects.exists()


def test_sales_statistics_read_sums_larger_than_any_one_order(staff_client):
    product = ProductFactory(price=LARGEST, cost_price=Decimal("1.00"))
    orders = Order.objects.bulk_create(
        [Order(status=OrderStatus.PAID, subtotal=LARGEST, total=LARGEST, amount_paid=LARGEST) for _ in range(101)]
    )
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                product=product,
                product_name="Gold bar",
                unit_price=LARGEST,
                unit_cost=Decimal("1.00"),
                quantity=1,
                line_total=LARGEST,
            )
            for order in orders
        ]
    )
    revenue = str(LARGEST * 101)

    profit = staff_client.get("/api/statistics/profit")
    by_product = staff_client.get("/api/statistics/product-sales")
    by_category = staff_client.get("/api/statistics/category-sales")
    by_day = staff_client.get("/api/statistics/sales")

    assert profit.status_code == 200
    assert (profit.json()["revenue"], profit.json()["cost"]) == (revenue, "101.00")
    assert by_product.json()[0]["revenue"] == revenue
    assert by_category.json()[0]["revenue"] == revenue
    assert by_day.json()[-1]["revenue"] == revenue
