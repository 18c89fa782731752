"""`manage.py deliver_notifications [--loop] [--interval SECONDS]`: deliver due outbox messages
(email, SMS) and webhooks now. Once by default; with --loop it keeps polling, a minimal worker
for operations without huey (and the process the crash test kills)."""

import time

from django.core.management.base import BaseCommand

from returndesk.notifications.services import outbox_deliver_due, webhook_deliver_due


class Command(BaseCommand):
    help = "Deliver due notifications (outbox messages and webhooks); --loop to keep polling."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop, interval, **options):
        while True:
            sent = outbox_deliver_due()
            posted = webhook_deliver_due()
            if not loop:
                self.stdout.write(f"{sent} messages, {posted} webhooks handled")
                return
            if not (sent or posted):
                time.sleep(interval)
