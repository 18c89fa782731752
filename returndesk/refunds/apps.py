from django.apps import AppConfig


class RefundsConfig(AppConfig):
    name = "returndesk.refunds"
    label = "refunds"
    verbose_name = "退款与冲账 / Refunds and credit notes"
