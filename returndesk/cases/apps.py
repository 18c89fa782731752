from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "returndesk.cases"
    label = "cases"
    verbose_name = "售后工单 / Cases"

    def ready(self) -> None:
        from . import notify  # noqa: F401  registers the outbox handlers of this domain
        from .services import refunding  # noqa: F401  and the refunds' ("refunds.process")
