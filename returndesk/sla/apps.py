from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "returndesk.sla"
    label = "sla"
    verbose_name = "服务时效 / Service levels"

    def ready(self) -> None:
        from . import config  # noqa: F401  the cached configuration connects its signals
