from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "returndesk.inventory"
    label = "inventory"
    verbose_name = "库存 / Stock"
