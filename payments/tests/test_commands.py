from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.models import Product
from orders.models import Order
from payments.models import IdempotencyKey
from payments.tests.factories import IdempotencyKeyFactory

pytestmark = pytest.mark.django_db


def test_purge_idempotency_keys_deletes_keys_older_than_the_given_hours():
    IdempotencyKeyFactory(created_at=timezone.now() - timedelta(hours=49))
    kept = IdempotencyKeyFactory(created_at=timezone.now() - timedelta(hours=47))
    out = StringIO()

    call_command("purge_idempotency_keys", "--hours", "48", stdout=out)

    assert list(IdempotencyKey.objects.all()) == [kept]
    assert "Deleted 1 expired" in out.getvalue()


def test_purge_idempotency_keys_refuses_less_than_a_day():
    with pytest.raises(CommandError):
        call_command("purge_idempotency_keys", "--hours", "1")


def test_bench_statistics_reports_every_statistic_and_leaves_nothing_behind():
    out = StringIO()

    call_command("bench_statistics", "--orders", "30", "--products", "5", "--repeat", "1", stdout=out)

    report = out.getvalue()
    assert "30 orders, 90 lines, 5 products" in report
    assert "profit" in report and "category-sales" in report and "1 query" in report
    assert "rolled back" in report
    assert not Order.objects.exists()
    assert not Product.objects.exists()
