"""`manage.py purge_idempotency_keys [--hours 48]`: delete Idempotency-Key records older than
48 hours (keys are promised for at least 24). The huey worker runs the same purge daily (api/tasks.py)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from returndesk.api.idempotency import RETENTION, purge_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than --hours (default 48)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=int(RETENTION.total_seconds() // 3600))

    def handle(self, *args, hours, **options):
        if hours < 24:
            raise CommandError("--hours must be at least 24: clients may retry a key for 24 hours")
        deleted = purge_expired(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {hours} h.")
