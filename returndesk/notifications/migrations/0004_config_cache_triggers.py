from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    """Webhook endpoints and message templates are cached per process (notifications.services):
    any change to their tables gives the cache a new token (core.config)."""

    dependencies = [
        ("core", "0003_config_versions"),
        ("notifications", "0003_default_templates"),
    ]

    operations = [
        config_trigger_operations("notifications_webhookendpoint", "notifications.webhooks"),
        config_trigger_operations("notifications_notificationtemplate", "notifications.templates"),
    ]
