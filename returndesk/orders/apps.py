from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "returndesk.orders"
    label = "orders"
    verbose_name = "订单 / Orders"
