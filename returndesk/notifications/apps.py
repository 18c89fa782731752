from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "returndesk.notifications"
    label = "notifications"
    verbose_name = "通知 / Notifications"

    def ready(self) -> None:
        from . import services  # noqa: F401  registers the outbox handler of composed emails
