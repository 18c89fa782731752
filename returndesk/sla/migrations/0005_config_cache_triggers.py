from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    """The SLA configuration is cached per process (sla.config): any change to its tables gives
    the cache a new token (core.config)."""

    dependencies = [
        ("core", "0003_config_versions"),
        ("sla", "0004_review_rounds_and_hours_per_segment"),
    ]

    operations = [
        config_trigger_operations(table, "sla.config")
        for table in ("sla_slapolicy", "sla_workinghours", "sla_workingperiod", "sla_timeoutrule")
    ]
