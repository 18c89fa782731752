from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "returndesk.catalog"
    label = "catalog"
    verbose_name = "主数据 / Master data"
