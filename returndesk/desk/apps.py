from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "returndesk.desk"
    label = "desk"
    verbose_name = "工作台 / Desk"
