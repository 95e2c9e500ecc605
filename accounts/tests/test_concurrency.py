import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory

PARALLEL = 10


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_of_one_token_let_exactly_one_through():
    if connection.vendor != "mysql":
        pytest.skip("SQLite serialises every writer; the race needs real row locks")
    # given
    user = UserFactory()
    token = str(RefreshToken.for_user(user))
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def refresh():
        try:
            barrier.wait()
            statuses.append(APIClient().post("/api/auth/refresh", {"refresh": token}).status_code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=refresh) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert sorted(statuses) == [200] + [401] * (PARALLEL - 1)
