from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "returndesk.portal"
    label = "portal"
    verbose_name = "客户门户 / Customer portal"

    def ready(self) -> None:
        from . import notify  # noqa: F401  registers the outbox handler that delivers access codes
