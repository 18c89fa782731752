"""Improvement actions: opened from a reason or a root cause through the service, refused
without one (nothing written), and their effect measured on the purchase cohorts."""

import datetime as dt
from decimal import Decimal as D

import pytest

from returndesk.analytics.rollups import rollup_rebuild
from returndesk.analytics.tests import world as world_module
from returndesk.cases.models import ReturnReason
from returndesk.core.errors import DomainError
from returndesk.improvements import selectors, services
from returndesk.improvements.models import ActionEvent, ImprovementAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    built = world_module.build()
    from returndesk.accounts.models import User

    built.users["qc"].refresh_from_db()
    built.users["gm"] = User.objects.create_user(username="gm", password="x", role="gm")
    rollup_rebuild()
    return built


def _open(world, **kw):
    values = {
        "actor": world.users["qc"],
        "title": "更换屏幕供应商",
        "description": "Q02 屏幕故障集中在 L1 批次",
        "owner": world.users["qc"],
        "due_on": dt.date(2026, 4, 30),
        "products": [world.products["P1"]],
        "reason": ReturnReason.objects.get(code="Q02"),
        "started_on": dt.date(2026, 3, 3),
    }
    return services.improvement_open(**{**values, **kw})


def test_given_a_reason_when_qc_opens_an_action_then_it_is_numbered_and_its_history_starts(world):
    action = _open(world)

    assert action.number.startswith("IA-") and action.status == "open"
    assert list(action.events.values_list("type", "to_status")) == [("opened", "open")]


def test_given_an_action_when_measured_then_the_return_rate_before_and_after_its_start(world):
    """Started 03-03, read on 03-04: two-day windows. Before (orders of 03-01..03-02): P1 on O1
    and O2, 20 shipped, 3 asked back; after (03-03..03-04): O3, 20 shipped, 5 asked back."""
    action = _open(world)

    effect = selectors.improvement_effect(action, today=dt.date(2026, 3, 4))

    assert effect.days == 2
    assert (effect.before.date_from, effect.before.date_to) == (dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    assert (effect.before.units_shipped, effect.before.units_returned, effect.before.return_rate) == (
        20,
        3,
        D("0.1500"),
    )
    assert (effect.after.units_shipped, effect.after.units_returned, effect.after.return_rate) == (
        20,
        5,
        D("0.2500"),
    )
    assert effect.change == D("0.1000")
    assert selectors.improvement_effect(action, today=dt.date(2026, 3, 2)).before is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": None}, "reason"),
        ({"products": []}, "products"),
        ({"title": "  "}, "title"),
        ({"due_on": dt.date(2026, 3, 1)}, "due_on"),
    ],
)
def test_given_missing_or_bad_input_when_opening_then_refused_and_nothing_written(world, changes, field):
    with pytest.raises(DomainError) as refused:
        _open(world, **changes)

    assert refused.value.code == "improvement.invalid"
    assert field in refused.value.fields
    assert ImprovementAction.objects.count() == 0 and ActionEvent.objects.count() == 0


def test_given_a_root_cause_stage_without_a_reason_when_opening_then_accepted(world):
    action = _open(world, reason=None, cause_stage="material", responsible_department="采购部")

    assert (action.reason, action.cause_stage) == (None, "material")


def test_given_a_warehouse_user_when_opening_then_forbidden(world):
    with pytest.raises(DomainError) as refused:
        _open(world, actor=world.users["warehouse"])

    assert refused.value.code == "improvement.forbidden"
    assert ImprovementAction.objects.count() == 0


def test_given_an_action_when_done_without_a_note_then_refused_and_with_one_then_done(world):
    action = _open(world)

    with pytest.raises(DomainError) as refused:
        services.improvement_set_status(action=action, actor=world.users["qc"], status="done")
    assert refused.value.code == "improvement.invalid"
    assert ImprovementAction.objects.get(pk=action.pk).status == "open"

    done = services.improvement_set_status(
        action=action, actor=world.users["qc"], status="done", note="已换供应商"
    )
    assert (done.status, done.result_note) == ("done", "已换供应商")
    with pytest.raises(DomainError) as again:
        services.improvement_set_status(action=action, actor=world.users["qc"], status="in_progress")
    assert again.value.code == "improvement.status_not_allowed"
    assert list(action.events.values_list("type", flat=True)) == ["opened", "status"]
