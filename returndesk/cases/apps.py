from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "returndesk.cases"
    label = "cases"
    verbose_name = "售后工单 / Cases"
