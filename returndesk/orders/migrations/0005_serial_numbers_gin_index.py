# The staff search and the API's case list find a serial number sold on an order line.

from django.db import migrations

from returndesk.core.db_indexes import jsonb_contains_index


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_merge_analytics_with_refunds"),
    ]

    operations = [
        jsonb_contains_index("orders_orderline", "serial_numbers", "order_line_serials_gin"),
    ]
