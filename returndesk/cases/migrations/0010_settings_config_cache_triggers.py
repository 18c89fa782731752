# CaseSettings.current() is cached per process (core.config); these triggers give the cache a new
# token whenever the settings row changes, whatever writes it.

from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_versions"),
        ("cases", "0009_search_indexes_outbound_tracking_and_serials"),
    ]

    operations = [config_trigger_operations("cases_casesettings", "cases.settings")]
