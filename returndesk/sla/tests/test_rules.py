"""The SLA app names statuses, case types and priorities as plain strings (it does not import the
cases app); these tests tie those names to the cases declarations, and check the defaults, the
configuration fallbacks and the worker's schedule."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.module_loading import autodiscover_modules
from huey import crontab
from huey.contrib.djhuey import HUEY

from returndesk.cases.models import CaseType, Priority, Status
from returndesk.cases.workflow import TRANSITIONS
from returndesk.sla import rules
from returndesk.sla.models import SlaPolicy, TimeoutRule, WorkingHours
from returndesk.sla.services import periods_for, policy_for, rule_config


def test_given_the_sla_rules_when_compared_with_the_cases_declarations_then_every_name_exists():
    statuses = set(Status.values)
    for spec in rules.RULES.values():
        assert spec.live <= statuses
        assert spec.starts_on <= statuses | {"created"}
        assert spec.case_types is None or spec.case_types <= set(CaseType.values)
    assert rules.PAUSE_STATUSES | rules.SOLUTION_PENDING_STATUSES | rules.TERMINAL_STATUSES <= statuses
    assert rules.REVIEW_STATUS in statuses


def test_given_the_workflow_table_when_asking_which_moves_start_a_review_round_then_reopen_and_overturn_only():
    starting = {
        t.action for t in TRANSITIONS for source in t.sources if rules.starts_new_round(source, t.target)
    }
    assert starting == {"reopen", "overturn_rejection"}  # declining a solution resumes the round
    assert rules.PRIORITY_CHOICES == Priority.choices
    assert set(rules.RULE_DEFAULTS) == set(rules.RULES) == set(rules.RuleCode.values)


@pytest.mark.django_db
def test_given_a_fresh_database_when_migrated_then_the_defaults_are_editable_rows():
    assert sorted(SlaPolicy.objects.values_list("priority", "customer_type", "first_response_hours", "solution_hours")) == [
        ("", "", 24, 72), ("", "key_account", 8, 36), ("high", "", 16, 48), ("urgent", "", 4, 24),
        ("urgent", "key_account", 2, 16),
    ]  # fmt: skip
    assert sorted(
        TimeoutRule.objects.values_list("code", "amount", "unit", "lead_hours", "action", "solution")
    ) == [
        ("confirm_timeout", 3, "calendar_days", None, "", ""),
        ("receipt_timeout", 3, "working_days", None, "flag", ""),
        ("refund_deadline", 7, "calendar_days", 48, "", ""),
        ("review_timeout", 48, "hours", None, "", "self_ship"),
        ("ship_timeout", 7, "calendar_days", None, "", ""),
    ]
    default = WorkingHours.objects.get(is_default=True)
    assert [str(p) for p in default.periods.all()] == ["09:00–12:00", "13:30–18:00"]


@pytest.mark.django_db
def test_given_empty_configuration_tables_when_resolving_then_the_built_in_defaults_apply():
    SlaPolicy.objects.all().delete()
    TimeoutRule.objects.all().delete()
    WorkingHours.objects.all().delete()

    urgent_key = policy_for(priority="urgent", customer_type="key_account")
    assert (urgent_key.policy, urgent_key.first_response_hours, urgent_key.solution_hours) == (None, 2, 16)
    assert policy_for(priority="normal", customer_type="consumer").name == "默认 / Default"
    assert rule_config("receipt_timeout").action == "flag"
    assert periods_for(None) == rules.DEFAULT_HOURS


@pytest.mark.django_db
def test_given_an_inactive_policy_when_resolving_then_it_is_ignored():
    SlaPolicy.objects.filter(priority="urgent", customer_type="").update(is_active=False)
    SlaPolicy.objects.filter(priority="urgent", customer_type="key_account").update(is_active=False)

    assert policy_for(priority="urgent", customer_type="consumer").name == "默认 / Default"


def test_given_the_worker_when_its_tasks_are_discovered_then_scans_run_every_minute_and_the_purge_daily():
    autodiscover_modules("tasks")  # what `manage.py run_huey` does
    periodic = {task.name: task for task in HUEY._registry.periodic_tasks}
    every_minute = crontab(minute="*")
    minute = datetime(2026, 11, 26, 3, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    for name in (
        "timeouts_scan_periodic",
        "sla_scan_periodic",
        "outbox_deliver_periodic",
        "webhook_deliver_periodic",
    ):
        assert periodic[name].validate_datetime(minute) == every_minute(minute) is True
    assert periodic["sla_recompute_periodic"].validate_datetime(minute.replace(minute=7))
    assert periodic["idempotency_purge_daily"].validate_datetime(minute)
    assert not periodic["idempotency_purge_daily"].validate_datetime(minute.replace(hour=4))
