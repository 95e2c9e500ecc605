"""SQLite, the default database: concurrent buyers must queue, never fail with "database is locked".

The test database pytest-django gives SQLite lives in memory, where threads cannot show the
file locking of a real deployment, so a child process runs the race on a fresh database file
with the project's own settings (IMMEDIATE transactions, WAL, busy timeout).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite configuration")

RACE = r"""
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)

from accounts.models import User
from catalog.models import Product, ProductVariant
from orders.services.lines import OrderLine
from orders.services.orders import order_place

product = Product.objects.create(name="Lamp", slug="lamp", price="10.00", quantity=5)
ProductVariant.objects.create(product=product, quantity=5)
buyers = [User.objects.create_user(f"buyer{n}@example.com") for n in range(12)]
barrier = threading.Barrier(len(buyers))
outcomes = []

def buy(user):
    barrier.wait()
    try:
        order_place(user=user, lines=[OrderLine(product.pk, 1)])
        outcomes.append("ok")
    except Exception as error:
        outcomes.append(type(error).__name__ + ": " + str(error)[:80])
    finally:
        connections.close_all()

threads = [threading.Thread(target=buy, args=(user,)) for user in buyers]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
product.refresh_from_db()
print(json.dumps({"outcomes": outcomes, "stock": product.quantity}))
"""


def test_concurrent_sqlite_writers_queue_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }

    finished = subprocess.run(
        [sys.executable, "-c", RACE], cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True, timeout=180
    )

    assert finished.returncode == 0, finished.stderr[-2000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    outcomes = sorted(outcome.split(":")[0] for outcome in result["outcomes"])
    assert outcomes == ["OutOfStock"] * 7 + ["ok"] * 5, result["outcomes"]
    assert result["stock"] == 0
