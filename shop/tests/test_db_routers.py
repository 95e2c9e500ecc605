import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction
from django.test import RequestFactory

from accounts.models import User
from catalog.models import Product, Review
from orders.models import Cart, Order
from shop.db_routers import PrimaryReplicaRouter, replica_reads_middleware

router = PrimaryReplicaRouter()


def _during(method: str, read):
    """What `read()` returns while the middleware handles a request with `method`."""
    answer = []
    replica_reads_middleware(lambda request: answer.append(read()))(RequestFactory().generic(method, "/api/products"))
    return answer[0]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_catalog_reads_of_a_safe_request_go_to_the_replica(method):
    assert _during(method, lambda: router.db_for_read(Product)) == "replica"
    assert _during(method, lambda: router.db_for_read(Review)) == "replica"


@pytest.mark.parametrize("model", [User, Cart, Order])
def test_accounts_carts_and_orders_are_always_read_from_the_primary(model):
    assert _during("GET", lambda: router.db_for_read(model)) == "default"


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_a_write_request_reads_the_catalog_from_the_primary(method):
    assert _during(method, lambda: router.db_for_read(Product)) == "default"


def test_outside_a_request_everything_reads_the_primary():
    assert router.db_for_read(Product) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_go_to_the_primary_where_the_locks_are():
    def read_in_transaction():
        with transaction.atomic():
            return router.db_for_read(Product)

    assert _during("GET", read_in_transaction) == "default"


def test_writes_and_migrations_go_to_the_primary_only():
    assert router.db_for_write(Product) == "default"
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate("replica", "catalog")


def test_database_replica_url_adds_the_replica_with_the_primary_options(tmp_path):
    # SQLite URLs: the SQLite run of CI has no MySQL driver to import.
    script = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES, s.DATABASE_ROUTERS, s.MIDDLEWARE[-1]], default=str))"
    )
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        "DATABASE_REPLICA_URL": f"sqlite:///{tmp_path / 'replica.sqlite3'}",
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    databases, routers, last_middleware = json.loads(result.stdout)
    replica, primary = databases["replica"], databases["default"]
    assert replica["NAME"] == str(tmp_path / "replica.sqlite3")
    assert replica["OPTIONS"] == primary["OPTIONS"]
    assert primary["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert replica["CONN_MAX_AGE"] == 60
    assert replica["TEST"]["MIRROR"] == "default"
    assert routers == ["shop.db_routers.PrimaryReplicaRouter"]
    assert last_middleware == "shop.db_routers.replica_reads_middleware"
