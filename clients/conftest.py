"""Clients generated from the live schema, the way a storefront developer makes them (README "Clients").

pytest-django's live server serves `/api/schema/`; the tests generate a client from it and drive the API
through that client only, so a schema that lies to generators fails here.
"""

import pytest
import requests

from accounts.tests.factories import StaffFactory

STAFF_PASSWORD = "staff-Password-42"


@pytest.fixture(scope="session")
def live_schema(live_server, django_db_blocker) -> dict:
    # The server thread may touch the database while serving the schema, outside any test's database access.
    with django_db_blocker.unblock():
        response = requests.get(f"{live_server.url}/api/schema/", params={"format": "json"}, timeout=30)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def staff_account(transactional_db):
    return StaffFactory(email="staff@example.com", password=STAFF_PASSWORD)
