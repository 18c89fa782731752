from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "returndesk.core"
    label = "core"
    verbose_name = "核心 / Core"

    def ready(self) -> None:
        # The configuration caches connect their signals on import (core.config); import them in
        # every process, whatever it serves.
        from . import calendar  # noqa: F401
