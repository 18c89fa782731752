import os

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _keep_prepared_statements(sender, connection, **kwargs) -> None:
    """PostgreSQL: psycopg keeps 100 prepared statements per connection by default, and one
    return lifecycle alone runs about 200 different ones, so in turn each evicted the next
    (PostgreSQL CPU per lifecycle 75 ms with 100, 62 ms with 300 or more; bench/hotspots.py).
    See DATABASES in config/settings/base.py."""
    if (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    ):
        connection.connection.prepared_max = int(os.environ.get("PG_PREPARED_MAX", "500"))


class CoreConfig(AppConfig):
    name = "returndesk.core"
    label = "core"
    verbose_name = "核心 / Core"

    def ready(self) -> None:
        # The configuration caches connect their signals on import (core.config); import them in
        # every process, whatever it serves.
        from . import calendar  # noqa: F401

        connection_created.connect(_keep_prepared_statements, dispatch_uid="core.prepared-statements")
