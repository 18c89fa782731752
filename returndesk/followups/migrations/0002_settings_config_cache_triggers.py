# FollowUpSettings.current() is cached per process (core.config); these triggers give the cache a
# new token whenever the settings row changes, whatever writes it.

from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_versions"),
        ("followups", "0001_followups_and_settings"),
    ]

    operations = [config_trigger_operations("followups_followupsettings", "followups.settings")]
