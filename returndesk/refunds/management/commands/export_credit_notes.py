"""manage.py export_credit_notes --from 2026-11-01 --to 2026-11-30 [--user finance] [--out FILE]

Create a ledger export of the credit notes issued in the range that no earlier export took
(docs/refunds.md, "Ledger export") and write its CSV (UTF-8 with BOM) to FILE or stdout.
`--again EXPORT_NUMBER` writes an earlier export's CSV again, unchanged.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from returndesk.accounts.models import User
from returndesk.core.errors import DomainError
from returndesk.refunds.models import CreditNoteExport
from returndesk.refunds.services import credit_note_export_create, credit_note_export_csv


class Command(BaseCommand):
    help = "Export credit notes for the ledger as CSV (each note once; an export can be written again)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
        parser.add_argument("--user", default="", help="the finance user the export is recorded for")
        parser.add_argument("--again", default="", help="an earlier export's number: write its CSV again")
        parser.add_argument("--out", default="", help="file to write (default: stdout)")

    def handle(self, *args, **options):
        if options["again"]:
            export = CreditNoteExport.objects.filter(number=options["again"]).first()
            if export is None:
                raise CommandError(f"no export {options['again']}")
        else:
            if not (options["date_from"] and options["date_to"]):
                raise CommandError("--from and --to are required (or --again)")
            user = User.objects.filter(username=options["user"]).first() if options["user"] else None
            try:
                export = credit_note_export_create(
                    actor=user, date_from=options["date_from"], date_to=options["date_to"]
                )
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.zh} / {exc.en}") from exc
        text = "\ufeff" + credit_note_export_csv(export=export)
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"{export.number}: {export.notes_count} credit notes → {options['out']}")
        else:
            self.stdout.write(text, ending="")
