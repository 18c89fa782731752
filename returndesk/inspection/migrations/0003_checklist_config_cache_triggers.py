# The active receipt checklist is cached per process (inspection.services._CHECKLIST,
# core.config); these triggers give the cache a new token whenever an item or its categories
# change, whatever writes them.

from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_versions"),
        ("inspection", "0002_default_checklist"),
    ]

    operations = [
        config_trigger_operations("inspection_checklistitem", "inspection.checklist"),
        config_trigger_operations("inspection_checklistitem_categories", "inspection.checklist"),
    ]
