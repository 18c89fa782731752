# RefundSettings.current() is cached per process (core.config); these triggers give the cache a
# new token whenever the settings row changes, whatever writes it.

from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_versions"),
        ("refunds", "0001_refunds_credit_notes_store_credit_simulated_gateway"),
    ]

    operations = [config_trigger_operations("refunds_refundsettings", "refunds.settings")]
