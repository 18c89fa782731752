"""Load the default message templates (notifications.defaults: the seed's customer-service
script stages, S5) as editable rows, in Chinese and English."""

from django.db import migrations

from returndesk.notifications.defaults import default_templates


def load(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for t in default_templates():
        NotificationTemplate.objects.get_or_create(
            event=t.event,
            language=t.language,
            channel=t.channel,
            defaults={"stage": t.stage, "subject": t.subject, "body": t.body},
        )


def unload(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_templates_preferences_webhooks")]

    operations = [migrations.RunPython(load, unload)]
