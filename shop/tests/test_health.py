"""GET /health: 503 only for the database, which must answer, be migrated and take writes."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _health(api_client) -> tuple[int, dict]:
    response = api_client.get("/health")
    return response.status_code, response.json()


def test_a_healthy_shop_without_a_broker_reports_every_part(api_client):
    assert _health(api_client) == (200, {"status": "ok", "database": "ok", "cache": "ok", "queue": "eager"})


def test_a_database_whose_migration_records_are_gone_is_an_error(api_client):
    # What a moved SQLite file looks like: Django opens a new, empty database in its place.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")

    status, body = _health(api_client)

    assert status == 503
    assert body["status"] == body["database"] == "error"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops tables inside the test's transaction")
def test_a_database_that_lost_its_tables_is_an_error(api_client):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE django_migrations")

    status, body = _health(api_client)

    assert status == 503
    assert body["database"] == "error"


@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_is_an_error(api_client):
    read_only, read_write = {
        "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
        "mysql": ("SET SESSION TRANSACTION READ ONLY", "SET SESSION TRANSACTION READ WRITE"),
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(read_only)
    try:
        status, body = _health(api_client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(read_write)

    assert status == 503
    assert body["database"] == "error"


def test_the_result_is_reused_for_a_few_seconds_without_touching_the_database(
    api_client, settings, django_assert_num_queries
):
    assert _health(api_client)[0] == 200
    settings.HEALTH_CACHE_SECONDS = 60
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")

    with django_assert_num_queries(0):
        assert _health(api_client)[0] == 200
