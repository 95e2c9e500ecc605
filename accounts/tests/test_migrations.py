import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_refresh_rotation_successor")]
AFTER = [("accounts", "0004_customers")]


@pytest.mark.django_db(transaction=True)
def test_accounts_from_before_verification_count_as_verified_and_new_ones_do_not():
    executor = MigrationExecutor(connection)
    old_state = executor.migrate(BEFORE)
    old_user = old_state.apps.get_model("accounts", "User").objects.create(email="old@example.com", password="x")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    new_state = executor.migrate(AFTER)

    User = new_state.apps.get_model("accounts", "User")
    assert User.objects.get(pk=old_user.pk).email_verified is True
    assert User.objects.create(email="new@example.com", password="x").email_verified is False
