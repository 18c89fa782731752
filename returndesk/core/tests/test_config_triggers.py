"""Every per-process configuration cache (core.config) is invalidated by database triggers on
each table it is built from; a cache without them would serve stale configuration forever."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from returndesk.cases.models import CaseSettings
from returndesk.core.config import _CACHES, config_scope
from returndesk.followups.models import FollowUpSettings
from returndesk.refunds.models import RefundSettings


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_given_every_configuration_cache_when_reading_the_schema_then_each_source_table_has_its_triggers():
    missing = [
        (name, label)
        for name, cache in _CACHES.items()
        for label in cache.models
        if not any("config_version" in t for t in _triggers(apps.get_model(label)._meta.db_table))
    ]
    assert {"cases.settings", "refunds.settings", "followups.settings"} <= set(_CACHES)
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (CaseSettings, "gm_approval_amount", Decimal("1234.00")),
        (RefundSettings, "pickup_charge", Decimal("7.50")),
        (FollowUpSettings, "max_attempts", 7),
    ],
)
def test_given_cached_settings_when_a_bulk_update_changes_the_row_then_the_next_scope_reads_the_change(
    model, field, value
):
    model.objects.get_or_create(pk=1)  # the row of a configured install
    with config_scope():
        before = model.current()
        before_value = getattr(before, field)
        setattr(before, field, Decimal("1.00"))  # a caller's change to its copy, never saved

    with config_scope():
        assert getattr(model.current(), field) == before_value
        model.objects.filter(pk=before.pk).update(**{field: value})  # no signal: only the trigger

    with config_scope():
        assert getattr(model.current(), field) == value
