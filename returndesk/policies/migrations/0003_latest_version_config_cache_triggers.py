# The latest published policy version, with its rules parsed, is cached per process
# (policies.selectors._LATEST, core.config); publishing a version gives the cache a new token.

from django.db import migrations

from returndesk.core.config import config_trigger_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_versions"),
        ("policies", "0002_default_rules_immutable_versions"),
    ]

    operations = [config_trigger_operations("policies_policyversion", "policies.latest")]
