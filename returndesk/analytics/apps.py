from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "returndesk.analytics"
    label = "analytics"
    verbose_name = "分析 / Analytics"
