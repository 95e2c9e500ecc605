import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Address
from accounts.services.addresses import address_create
from accounts.tests.factories import UserFactory
from conftest import client_for

PARALLEL = 10


def _refresh_in_parallel(token: str, parallel: int) -> list:
    barrier = threading.Barrier(parallel)
    responses = []

    def refresh():
        try:
            barrier.wait()
            responses.append(APIClient().post("/api/auth/refresh", {"refresh": token}))
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.fixture
def needs_row_locks():
    if connection.vendor != "mysql":
        pytest.skip("SQLite serialises every writer; the race needs real row locks")


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_without_reuse_window_let_exactly_one_through(needs_row_locks, settings):
    # given
    settings.JWT_REFRESH_REUSE_SECONDS = 0
    token = str(RefreshToken.for_user(UserFactory()))

    # when
    responses = _refresh_in_parallel(token, PARALLEL)

    # then
    assert sorted(response.status_code for response in responses) == [200] + [401] * (PARALLEL - 1)


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_within_reuse_window_share_one_new_pair(needs_row_locks, settings):
    # given: two tabs holding the same cookie, and a session on another device
    settings.JWT_REFRESH_REUSE_SECONDS = 10
    user = UserFactory()
    token = str(RefreshToken.for_user(user))
    other_device = str(RefreshToken.for_user(user))

    # when
    responses = _refresh_in_parallel(token, 2)

    # then: both get the one pair the rotation issued, and no session was revoked
    assert [response.status_code for response in responses] == [200, 200]
    first, second = (response.json() for response in responses)
    assert first == second
    assert first["refresh"] != token
    usable = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    assert set(usable.values_list("token", flat=True)) == {first["refresh"], other_device}
    assert APIClient().post("/api/auth/refresh", {"refresh": first["refresh"]}).status_code == 200


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_new_defaults_leave_exactly_one(needs_row_locks):
    # given: one customer's six addresses, none the default
    customer = UserFactory()
    fields = {"full_name": "Ada", "address": "1 Way", "city": "London", "country": "GB"}
    addresses = [address_create(user=customer, **fields) for _ in range(6)]
    barrier = threading.Barrier(len(addresses))
    statuses = []

    def make_default(address):
        try:
            barrier.wait()
            statuses.append(client_for(customer).patch(f"/api/auth/addresses/{address.pk}", {"is_default": True}))
        finally:
            connection.close()

    # when: every one of them is made the default at once
    threads = [threading.Thread(target=make_default, args=(address,)) for address in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert [response.status_code for response in statuses] == [200] * len(addresses)
    assert Address.objects.filter(user=customer, is_default=True).count() == 1
