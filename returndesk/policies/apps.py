from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "returndesk.policies"
    label = "policies"
    verbose_name = "退货政策 / Policies"
