import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import client_for
from orders.models import OrderStatus
from orders.tests.factories import OrderFactory
from payments import views
from payments.models import IdempotencyKey, Payment
from payments.services.idempotency import (
    IDEMPOTENCY_KEY_TTL,
    IDEMPOTENCY_LOCK_TIMEOUT,
    idempotency_key_purge,
    request_fingerprint,
)
from payments.tests.factories import IdempotencyKeyFactory

ON_MYSQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.mysql"


def _pay(client, order, key, amount="15.00", **headers):
    return client.post(
        "/api/payments",
        {"order_id": order.pk, "amount": amount, "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def _hash(order, amount="15.00"):
    payload = {"order_id": order.pk, "amount": Decimal(amount), "method": "card", "reference": ""}
    return request_fingerprint(method="POST", path="/api/payments", payload=payload)


@pytest.mark.django_db
def test_same_key_and_body_returns_the_first_response_and_records_nothing_more(customer, staff, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))

    first = _pay(staff_client, order, "k-1")
    second = _pay(staff_client, order, "k-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.amount_paid == Decimal("15.00")


@pytest.mark.django_db
def test_an_equivalent_body_written_differently_is_the_same_request(customer, staff, staff_client):
    order = OrderFactory(user=customer)
    first = _pay(staff_client, order, "k-1", amount="15.00")

    again = staff_client.post(
        "/api/payments",
        {"method": "card", "amount": "15", "order_id": str(order.pk), "reference": ""},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert again.status_code == 201
    assert again.json() == first.json()
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_answers_422(customer, staff, staff_client):
    order = OrderFactory(user=customer)
    _pay(staff_client, order, "k-1", amount="15.00")

    response = _pay(staff_client, order, "k-1", amount="16.00")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_same_key_while_the_first_request_runs_answers_409(customer, staff, staff_client):
    order = OrderFactory(user=customer)
    IdempotencyKeyFactory(user=staff, key="k-1", request_hash=_hash(order))

    response = _pay(staff_client, order, "k-1")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_another_body_while_the_first_request_runs_answers_422(customer, staff, staff_client):
    order = OrderFactory(user=customer)
    IdempotencyKeyFactory(user=staff, key="k-1", request_hash="f" * 64)

    assert _pay(staff_client, order, "k-1").status_code == 422


@pytest.mark.django_db
def test_an_abandoned_claim_is_taken_over_after_the_lock_timeout(customer, staff, staff_client):
    order = OrderFactory(user=customer)
    stale = timezone.now() - IDEMPOTENCY_LOCK_TIMEOUT - timedelta(seconds=1)
    IdempotencyKeyFactory(user=staff, key="k-1", request_hash=_hash(order), locked_at=stale)

    response = _pay(staff_client, order, "k-1")

    assert response.status_code == 201
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.django_db
def test_keys_are_scoped_per_user(customer, superuser_client, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))

    mine = _pay(superuser_client, order, "shared-key")
    staffs = _pay(staff_client, order, "shared-key")

    assert mine.status_code == staffs.status_code == 201
    assert mine.json()["id"] != staffs.json()["id"]
    assert Payment.objects.count() == 2


@pytest.mark.django_db
def test_a_domain_error_is_stored_and_replayed(customer, staff, staff_client):
    order = OrderFactory(user=customer, total=Decimal("10.00"))

    first = _pay(staff_client, order, "k-1", amount="15.00")
    order.total = Decimal("40.00")
    order.save()
    second = _pay(staff_client, order, "k-1", amount="15.00")

    assert first.status_code == second.status_code == 400
    assert (
        second.json()
        == first.json()
        == {
            "error": "The amount exceeds the balance due of 10.00.",
            "code": "amount_exceeds_balance",
            "field": "amount",
            "balance_due": "10.00",
        }
    )
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_invalid_input_does_not_use_up_the_key(customer, staff, staff_client):
    order = OrderFactory(user=customer)

    bad = staff_client.post(
        "/api/payments", {"order_id": order.pk, "amount": "x", "method": "card"}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    good = _pay(staff_client, order, "k-1")

    assert bad.status_code == 400
    assert good.status_code == 201


@pytest.mark.django_db
def test_an_unexpected_error_releases_the_key(customer, staff, staff_client, monkeypatch):
    order = OrderFactory(user=customer)
    monkeypatch.setattr("payments.views.payment_create", lambda **kwargs: 1 / 0)
    staff_client.raise_request_exception = False

    failed = _pay(staff_client, order, "k-1")

    assert failed.status_code == 500
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "clé"])
def test_malformed_key_answers_400(customer, staff, staff_client, key):
    order = OrderFactory(user=customer)

    response = _pay(staff_client, order, key)

    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_a_key_older_than_the_ttl_is_forgotten(customer, staff, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    old = timezone.now() - IDEMPOTENCY_KEY_TTL - timedelta(minutes=1)
    IdempotencyKeyFactory(
        user=staff, key="k-1", request_hash="f" * 64, response_status=201, response_body={}, created_at=old
    )

    response = _pay(staff_client, order, "k-1")

    assert response.status_code == 201
    assert IdempotencyKey.objects.get().request_hash == _hash(order)


@pytest.mark.django_db
def test_a_key_younger_than_the_ttl_is_kept(customer, staff, staff_client):
    order = OrderFactory(user=customer, total=Decimal("40.00"))
    _pay(staff_client, order, "k-1")
    IdempotencyKey.objects.update(created_at=timezone.now() - IDEMPOTENCY_KEY_TTL + timedelta(minutes=5))

    assert _pay(staff_client, order, "k-1").headers["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_purge_deletes_only_expired_keys():
    old = timezone.now() - IDEMPOTENCY_KEY_TTL - timedelta(minutes=1)
    IdempotencyKeyFactory(created_at=old)
    fresh = IdempotencyKeyFactory()

    assert idempotency_key_purge() == 1
    assert list(IdempotencyKey.objects.all()) == [fresh]


def _concurrently(count, call):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.mysql_only
@pytest.mark.skipif(not ON_MYSQL, reason="needs concurrent writers and row locks (MariaDB)")
@pytest.mark.django_db(transaction=True)
def test_identical_requests_arriving_at_once_record_one_payment():
    user = UserFactory(is_staff=True)
    order = OrderFactory(user=user, total=Decimal("40.00"))

    responses = _concurrently(6, lambda: _pay(client_for(user), order, "race-key"))

    statuses = {response.status_code for response in responses}
    assert 201 in statuses
    assert statuses <= {201, 409}
    created = [response.json() for response in responses if response.status_code == 201]
    assert all(body == created[0] for body in created)
    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.amount_paid == Decimal("15.00")


@pytest.mark.mysql_only
@pytest.mark.skipif(not ON_MYSQL, reason="needs concurrent writers and row locks (MariaDB)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_exceed_the_balance():
    user = UserFactory(is_staff=True)
    order = OrderFactory(user=user, total=Decimal("40.00"))

    responses = _concurrently(4, lambda: _pay(client_for(user), order, f"key-{threading.get_ident()}", amount="30.00"))

    assert sorted(response.status_code for response in responses) == [201, 400, 400, 400]
    order.refresh_from_db()
    assert order.amount_paid == Decimal("30.00")
    assert order.status == OrderStatus.PENDING
    assert Payment.objects.count() == 1


@pytest.mark.mysql_only
@pytest.mark.skipif(not ON_MYSQL, reason="needs concurrent writers and row locks (MariaDB)")
@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_request_runs_answers_409_then_replays(monkeypatch):
    user = UserFactory(is_staff=True)
    order = OrderFactory(user=user, total=Decimal("40.00"))
    started, release = threading.Event(), threading.Event()
    real_payment_create = views.payment_create

    def slow_payment_create(**kwargs):
        started.set()
        release.wait(timeout=10)
        return real_payment_create(**kwargs)

    monkeypatch.setattr(views, "payment_create", slow_payment_create)
    first = {}

    def run_first():
        try:
            first["response"] = _pay(client_for(user), order, "slow-key")
        finally:
            connection.close()

    thread = threading.Thread(target=run_first)
    thread.start()
    assert started.wait(timeout=10)

    during = _pay(client_for(user), order, "slow-key")
    release.set()
    thread.join()
    after = _pay(client_for(user), order, "slow-key")

    assert during.status_code == 409
    assert during.json()["code"] == "idempotency_request_in_progress"
    assert first["response"].status_code == 201
    assert after.status_code == 201
    assert after.json() == first["response"].json()
    assert Payment.objects.count() == 1
