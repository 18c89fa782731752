"""manage.py import_csv {products|customers|orders} FILE [--dry-run] [--lang zh-hans|en]

Column names and rules: returndesk/orders/imports.py. All rows or none: on any error the
command prints every error (row, column, message) and exits non-zero with nothing written.
"""

import argparse
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from returndesk.orders.imports import KINDS, columns_help, import_csv

LANGUAGES = ("zh-hans", "en")


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column list in the epilog one column per line."""


class Command(BaseCommand):
    help = "Import products, customers or orders from a UTF-8 CSV file (all rows or none)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        epilog = "\n\n".join(f"{kind} columns (* required):\n{columns_help(kind)}" for kind in KINDS)
        parser = super().create_parser(prog_name, subcommand, epilog=epilog, **kwargs)
        parser.formatter_class = HelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the report")

    def handle(self, *args, kind, file, dry_run, lang, **options):
        lang = lang or (settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in LANGUAGES else "zh-hans")
        english = lang == "en"
        if not file.is_file():
            raise CommandError(f"File not found: {file}" if english else f"找不到文件：{file}")
        # The command runs as the system itself (actor=None), like a shop integration.
        result = import_csv(actor=None, kind=kind, source=file, dry_run=dry_run)
        for error in result.errors:
            self.stderr.write(error.render(lang))
        if not result.ok:
            raise CommandError(result.summary(lang))
        self.stdout.write(self.style.SUCCESS(result.summary(lang)))
