from django.apps import AppConfig


class ImprovementsConfig(AppConfig):
    name = "returndesk.improvements"
    label = "improvements"
    verbose_name = "改进措施 / Improvement actions"
