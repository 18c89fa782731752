"""manage.py analytics_rollups [--rebuild]: refresh the dashboard's daily rollups now (the
worker does it every minute), or recompute them from scratch (after a bulk load or a restore)."""

from django.core.management.base import BaseCommand

from returndesk.analytics.rollups import rollup_rebuild, rollup_refresh


class Command(BaseCommand):
    help = "Refresh (or --rebuild) the analytics rollups."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute every day from scratch")

    def handle(self, *args, rebuild=False, **options):
        result = rollup_rebuild() if rebuild else rollup_refresh()
        what = "rebuilt" if result.rebuilt else "refreshed"
        self.stdout.write(
            f"analytics rollups {what}: {result.day_count} table-days in {result.seconds:.2f} s"
        )
