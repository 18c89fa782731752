from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "returndesk.acceptance"
    label = "acceptance"
    verbose_name = "到货验收 / Delivery acceptance"
