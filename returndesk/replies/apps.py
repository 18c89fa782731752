from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "returndesk.replies"
    label = "replies"
    verbose_name = "客服话术 / Reply templates"
