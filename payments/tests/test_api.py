from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from conftest import client_for
from orders.models import OrderStatus
from orders.tests.factories import OrderFactory
from payments.models import Payment
from payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def _body(order, **overrides):
    return {"order_id": order.pk, "amount": "15.00", "method": "card", "reference": "TX-1"} | overrides


@pytest.mark.parametrize("url", ["/api/payments", "/api/payments/"])
def test_staff_records_a_manual_payment(staff, staff_client, url):
    order = OrderFactory(total=Decimal("40.00"))

    response = staff_client.post(url, _body(order), format="json")

    assert response.status_code == 201
    payment = Payment.objects.get()
    assert response.json() == {
        "id": payment.pk,
        "order_id": order.pk,
        "amount": "15.00",
        "method": "card",
        "reference": "TX-1",
        "created_at": payment.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert payment.created_by == staff
    order.refresh_from_db()
    assert order.amount_paid == Decimal("15.00")


def test_reference_is_optional(staff_client):
    order = OrderFactory()

    response = staff_client.post("/api/payments", {"order_id": order.pk, "amount": "1", "method": "cash"})

    assert response.status_code == 201
    assert response.json()["reference"] == ""
    assert response.json()["amount"] == "1.00"


def test_paying_the_whole_balance_marks_the_order_paid(staff_client):
    order = OrderFactory(total=Decimal("40.00"))

    response = staff_client.post("/api/payments", _body(order, amount="40.00"), format="json")

    assert response.status_code == 201
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.balance_due == Decimal("0.00")


def test_staff_records_a_payment_for_any_order(staff_client):
    order = OrderFactory()

    response = staff_client.post("/api/payments", _body(order), format="json")

    assert response.status_code == 201


def test_anonymous_cannot_pay(api_client):
    order = OrderFactory()

    response = api_client.post("/api/payments", _body(order), format="json")

    assert response.status_code == 401
    assert not Payment.objects.exists()


@pytest.mark.parametrize("method", ["card", "cash"])
def test_a_customer_cannot_record_a_payment_even_for_their_own_order(customer, customer_client, method):
    order = OrderFactory(user=customer, total=Decimal("40.00"))

    response = customer_client.post("/api/payments", _body(order, amount="40.00", method=method), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == (OrderStatus.PENDING, Decimal("0.00"))


def test_unknown_order_answers_404(staff_client):
    response = staff_client.post("/api/payments", {"order_id": 424242, "amount": "1", "method": "card"})

    assert response.status_code == 404


def test_cancelled_order_answers_409(staff_client):
    order = OrderFactory(status=OrderStatus.CANCELLED)

    response = staff_client.post("/api/payments", _body(order), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "order_cancelled"


def test_amount_above_balance_answers_400_with_the_balance(staff_client):
    order = OrderFactory(total=Decimal("40.00"), amount_paid=Decimal("30.00"))

    response = staff_client.post("/api/payments", _body(order, amount="10.50"), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": "The amount exceeds the balance due of 10.00.",
        "code": "amount_exceeds_balance",
        "field": "amount",
        "balance_due": "10.00",
    }


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_amount_not_positive_answers_400(staff_client, amount):
    order = OrderFactory()

    response = staff_client.post("/api/payments", _body(order, amount=amount), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "amount_not_positive"
    assert response.json()["field"] == "amount"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"method": "bitcoin"}, "method"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "12345678901.00"}, "amount"),
        ({"order_id": "x"}, "order_id"),
        ({"reference": "r" * 101}, "reference"),
    ],
)
def test_malformed_payment_answers_400(staff_client, overrides, field):
    order = OrderFactory()

    response = staff_client.post("/api/payments", _body(order, **overrides), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field


def test_missing_fields_answer_400(staff_client):
    response = staff_client.post("/api/payments", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["details"]) == {"order_id", "amount", "method"}


def test_malformed_json_answers_400(staff_client):
    response = staff_client.generic("POST", "/api/payments", "{not json", content_type="application/json")

    assert response.status_code == 400


def test_owner_reads_a_payment(customer, customer_client):
    payment = PaymentFactory(order__user=customer)

    response = customer_client.get(f"/api/payments/{payment.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == payment.pk
    assert response.json()["amount"] == "10.00"


def test_another_customers_payment_answers_404(customer_client):
    payment = PaymentFactory()

    response = customer_client.get(f"/api/payments/{payment.pk}")

    assert response.status_code == 404
    assert response.json() == {"error": "Payment not found", "code": "not_found"}


def test_staff_reads_any_payment(staff_client):
    payment = PaymentFactory()

    assert staff_client.get(f"/api/payments/{payment.pk}/").status_code == 200


def test_anonymous_cannot_read_a_payment(api_client):
    payment = PaymentFactory()

    assert api_client.get(f"/api/payments/{payment.pk}").status_code == 401


def test_payment_list_is_for_staff_only(api_client, customer_client):
    assert api_client.get("/api/payments").status_code == 401
    assert customer_client.get("/api/payments").status_code == 403


def test_staff_lists_payments_newest_first_and_filters_by_method_and_order(staff_client):
    first = PaymentFactory(method="card")
    second = PaymentFactory(method="cash", order=first.order)
    third = PaymentFactory(method="cash")

    everything = staff_client.get("/api/payments").json()
    by_method = staff_client.get("/api/payments?method=cash").json()
    by_order = staff_client.get(f"/api/payments?order={first.order_id}").json()

    assert everything["count"] == 3
    assert [p["id"] for p in everything["results"]] == [third.pk, second.pk, first.pk]
    assert [p["id"] for p in by_method["results"]] == [third.pk, second.pk]
    assert [p["id"] for p in by_order["results"]] == [second.pk, first.pk]


def test_unknown_method_filter_answers_400(staff_client):
    response = staff_client.get("/api/payments?method=gold")

    assert response.status_code == 400
    assert response.json()["field"] == "method"


@pytest.mark.parametrize("limit", [5, 100])
def test_payment_list_runs_a_fixed_number_of_queries(staff, staff_client, django_assert_num_queries, limit):
    PaymentFactory.create_batch(6)

    # user, count, page
    with django_assert_num_queries(3):
        response = staff_client.get(f"/api/payments?limit={limit}")

    assert len(response.json()["results"]) == min(limit, 6)


def test_owner_lists_the_payments_of_an_order(customer, customer_client):
    order = OrderFactory(user=customer)
    older = PaymentFactory(order=order)
    newer = PaymentFactory(order=order)
    PaymentFactory()

    response = customer_client.get(f"/api/orders/{order.pk}/payments")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [p["id"] for p in response.json()["results"]] == [newer.pk, older.pk]


def test_payments_of_another_customers_order_answer_404(customer_client):
    payment = PaymentFactory()

    response = customer_client.get(f"/api/orders/{payment.order_id}/payments/")

    assert response.status_code == 404
    assert response.json() == {"error": "Order not found", "code": "not_found"}


def test_staff_lists_the_payments_of_any_order(staff_client):
    payment = PaymentFactory()

    response = staff_client.get(f"/api/orders/{payment.order_id}/payments")

    assert [p["id"] for p in response.json()["results"]] == [payment.pk]


def test_anonymous_cannot_list_the_payments_of_an_order(api_client):
    payment = PaymentFactory()

    assert api_client.get(f"/api/orders/{payment.order_id}/payments").status_code == 401


@pytest.mark.parametrize("limit", [5, 100])
def test_order_payments_list_runs_a_fixed_number_of_queries(django_assert_num_queries, limit):
    user = UserFactory()
    order = OrderFactory(user=user)
    PaymentFactory.create_batch(6, order=order)
    client = client_for(user)

    # user, order, count, page
    with django_assert_num_queries(4):
        response = client.get(f"/api/orders/{order.pk}/payments?limit={limit}")

    assert len(response.json()["results"]) == min(limit, 6)


HUGE = "9" * 30


@pytest.mark.parametrize(
    "url", [f"/api/payments/{HUGE}", f"/api/orders/{HUGE}/payments", f"/api/payments?order={HUGE}"]
)
def test_ids_beyond_the_integer_range_are_not_a_server_error(staff_client, url):
    assert staff_client.get(url).status_code in (400, 404)


def test_an_order_id_beyond_the_integer_range_answers_400(staff_client):
    response = staff_client.post("/api/payments", {"order_id": int(HUGE), "amount": "1", "method": "card"})

    assert response.status_code == 400
    assert response.json()["field"] == "order_id"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e5"])
def test_non_finite_or_exponent_amounts_answer_400(staff_client, amount):
    order = OrderFactory()

    response = staff_client.post("/api/payments", _body(order, amount=amount), format="json")

    assert response.status_code == 400
    assert not Payment.objects.exists()
