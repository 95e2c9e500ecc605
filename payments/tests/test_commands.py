from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

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
