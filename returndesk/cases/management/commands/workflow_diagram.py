from django.core.management.base import BaseCommand, CommandError

from returndesk.cases.models import CaseType
from returndesk.cases.workflow import workflow_mermaid


class Command(BaseCommand):
    help = "Print the case workflow as a Mermaid state diagram, drawn from cases/workflow.py."

    def add_arguments(self, parser):
        parser.add_argument("--type", choices=CaseType.values, help="only the transitions of this case type")

    def handle(self, *args, **options):
        case_type = options.get("type")
        if case_type and case_type not in CaseType.values:
            raise CommandError(f"unknown case type {case_type}")
        self.stdout.write(workflow_mermaid(case_type))
