from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "returndesk.followups"
    label = "followups"
    verbose_name = "回访 / Follow-ups"
