from django.db import migrations


def load_defaults(apps, schema_editor):
    """The seed S5 scripts as editable templates (returndesk/replies/defaults.py); idempotent."""
    from returndesk.replies.defaults import DEFAULTS

    ReplyTemplate = apps.get_model("replies", "ReplyTemplate")
    for order, row in enumerate(DEFAULTS):
        ReplyTemplate.objects.get_or_create(
            stage=row["stage"], title=row["title"], defaults={**row, "sort_order": order}
        )


def unload_defaults(apps, schema_editor):
    from returndesk.replies.defaults import DEFAULTS

    ReplyTemplate = apps.get_model("replies", "ReplyTemplate")
    for row in DEFAULTS:
        ReplyTemplate.objects.filter(stage=row["stage"], title=row["title"]).delete()


class Migration(migrations.Migration):
    dependencies = [("replies", "0001_reply_template")]

    operations = [migrations.RunPython(load_defaults, unload_defaults)]
