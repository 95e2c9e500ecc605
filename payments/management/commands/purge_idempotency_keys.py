from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from payments.services.idempotency import IDEMPOTENCY_KEY_TTL, idempotency_key_purge


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than the retention period (24 hours by default)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=int(IDEMPOTENCY_KEY_TTL.total_seconds() // 3600),
            help="Keep keys younger than this many hours (at least 24).",
        )

    def handle(self, *args, hours, **options):
        if hours < 24:
            raise CommandError("Keys are kept at least 24 hours; --hours must be 24 or more.")
        deleted = idempotency_key_purge(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
