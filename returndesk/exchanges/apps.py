from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "returndesk.exchanges"
    label = "exchanges"
    verbose_name = "换货 / Exchanges"
