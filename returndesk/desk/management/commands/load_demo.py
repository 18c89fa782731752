"""manage.py load_demo — the demo company 华辰电子科技有限公司 with users for every role.

Idempotent: a second run writes nothing and prints the sign-ins again. Password of every demo
user: returndesk-demo (returndesk.desk.demo.DEMO_PASSWORD).
"""

import time

from django.core.management.base import BaseCommand

from returndesk.desk.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = f"Load the demo company, orders and cases (idempotent; demo password: {DEMO_PASSWORD})."

    def handle(self, *args, **options):
        started = time.monotonic()
        load_demo(stdout=self.stdout)
        self.stdout.write(f"用时 / took {time.monotonic() - started:.1f} s")
