from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "returndesk.logistics"
    label = "logistics"
    verbose_name = "退货物流 / Return logistics"
