from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "returndesk.sla"
    label = "sla"
    verbose_name = "服务时效 / Service levels"
