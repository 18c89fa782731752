from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "returndesk.notifications"
    label = "notifications"
    verbose_name = "通知 / Notifications"
