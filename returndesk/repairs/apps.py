from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "returndesk.repairs"
    label = "repairs"
    verbose_name = "维修 / Repairs"
