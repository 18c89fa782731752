# The staff search and the API's case list find a case by its outbound tracking number and by a
# serial number claimed on one of its lines; both were table scans.

from django.db import migrations, models

from returndesk.core.db_indexes import jsonb_contains_index


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_merge_analytics_with_refunds_and_exchanges"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="outbound_tracking_number",
            field=models.CharField(
                blank=True, db_index=True, max_length=64, verbose_name="outbound tracking number"
            ),
        ),
        jsonb_contains_index("cases_caseline", "serial_numbers", "case_line_serials_gin"),
    ]
