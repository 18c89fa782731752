"""The timeline (STYLE.md "Where business logic lives" 4): exactly one append-only CaseEvent per
change, numbered 1..n; internal rows hidden from customers; housekeeping and priority rules."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from returndesk.cases import selectors, services
from returndesk.cases.models import CaseEvent, Priority, Status
from returndesk.inspection.models import ReturnUnit

from .helpers import add_photo, confirm_cause, inspect_all, line_of, open_case, pickup_inputs, refused


@pytest.fixture
def case(consumer, consumer_user, line5):
    return open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="Q01")


def test_given_a_case_when_each_change_is_made_then_each_writes_exactly_one_event_numbered_without_gaps(
    case, consumer_user, agent, supervisor, warehouse, qc
):
    steps = [
        lambda: services.case_assign(case=case, actor=supervisor, assignee=agent),
        lambda: services.case_set_priority(case=case, actor=agent, priority="high", reason="客户催促"),
        lambda: services.case_add_note(case=case, actor=agent, text="已电话联系"),
        lambda: add_photo(case, consumer_user),
        lambda: services.case_approve(case=case, actor=agent, solution="pickup"),
        lambda: services.case_add_note(case=case, actor=consumer_user, text="周三上午方便取件"),
        lambda: services.case_confirm_solution(case=case, actor=consumer_user, **pickup_inputs("pickup")),
        lambda: services.case_record_pickup_booking(case=case, actor=agent, booking_reference="SF-BK-0001"),
        lambda: services.case_ship_back(
            case=case, actor=warehouse, carrier="SF", tracking_number="SF123456789012"
        ),
        lambda: services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 1}),
        lambda: inspect_all(case, inspector=warehouse),
        lambda: services.case_dispose_units(
            case=case,
            actor=warehouse,
            dispositions=[
                {"unit": str(ReturnUnit.objects.get(case_line__case=case).id), "disposition": "restock"}
            ],
        ),
        lambda: confirm_cause(case, qc=qc),
    ]
    for n, step in enumerate(steps, start=2):
        step()
        assert case.events.count() == n

    assert list(case.events.values_list("sequence", "type")) == [
        (1, "created"), (2, "assigned"), (3, "priority_changed"), (4, "note"), (5, "attachment_added"),
        (6, "approve"), (7, "note"), (8, "confirm_solution"), (9, "pickup_booked"), (10, "ship_back"),
        (11, "receive"), (12, "inspect"), (13, "units_disposed"), (14, "confirm_cause"),
    ]  # fmt: skip
    case.refresh_from_db()
    # notes, attachments, the pickup booking and dispositions do not bump the version
    assert (case.status, case.version) == (Status.CAUSE_CONFIRMED, 9)


def test_given_case_events_when_updated_or_deleted_through_the_orm_then_type_error(case):
    with pytest.raises(TypeError, match="append-only"):
        CaseEvent.objects.filter(case=case).update(type="tampered")
    with pytest.raises(TypeError, match="append-only"):
        CaseEvent.objects.filter(case=case).delete()
    assert list(case.events.values_list("type", flat=True)) == ["created"]


def test_given_a_case_event_when_updated_with_raw_sql_then_the_database_trigger_refuses(case):
    event = case.events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_caseevent SET type = %s WHERE id = %s", ["tampered", event.id])
    assert CaseEvent.objects.get(id=event.id).type == "created"


def test_given_a_loaded_case_event_when_saved_again_then_the_database_refuses_the_update(case):
    event = case.events.get()
    event.type = "tampered"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    assert CaseEvent.objects.get(id=event.id).type == "created"


@pytest.mark.postgres_only
def test_given_a_case_event_when_deleted_with_raw_sql_on_postgresql_then_the_trigger_refuses(case):
    """SQLite guards UPDATE only (Django's test flush there deletes rows); PostgreSQL both."""
    event = case.events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [event.id])
    assert CaseEvent.objects.filter(id=event.id).exists()


def test_given_internal_and_external_notes_when_the_customer_reads_the_timeline_then_only_external_rows_show(
    case, consumer_user, agent, supervisor
):
    services.case_assign(case=case, actor=supervisor, assignee=agent)
    services.case_add_note(case=case, actor=agent, text="客户情绪激动,注意措辞")
    services.case_add_note(case=case, actor=agent, text="您好,我们已收到您的申请", internal=False)
    services.case_add_note(
        case=case, actor=consumer_user, text="谢谢", internal=True
    )  # customers cannot hide

    customer_view = selectors.case_timeline(case=case, user=consumer_user)
    staff_view = selectors.case_timeline(case=case, user=agent)

    assert [(e.sequence, e.type, e.data.get("text", "")) for e in customer_view] == [
        (1, "created", ""),
        (4, "note", "您好,我们已收到您的申请"),
        (5, "note", "谢谢"),
    ]
    assert [e.sequence for e in staff_view] == [1, 2, 3, 4, 5]
    assert list(case.events.values_list("internal", flat=True)) == [False, True, True, False, False]


def test_given_a_case_when_assigned_then_one_internal_event_records_before_and_after(case, agent, supervisor):
    services.case_assign(case=case, actor=supervisor, assignee=agent)

    assert (case.assignee, case.version) == (agent, 2)
    event = case.events.get(type="assigned")
    assert (event.sequence, event.internal, event.actor, event.actor_role) == (
        2,
        True,
        supervisor,
        "supervisor",
    )
    assert event.data == {"before": {"assignee": "", "team": ""}, "assignee": str(agent.pk), "team": ""}


def test_given_a_case_when_the_priority_is_set_then_one_internal_event_records_from_and_to(case, agent):
    services.case_set_priority(case=case, actor=agent, priority="urgent", reason="安全隐患")

    assert (case.priority, case.version) == (Priority.URGENT, 2)
    event = case.events.get(type="priority_changed")
    assert (event.sequence, event.internal) == (2, True)
    assert event.data == {"from": "normal", "to": "urgent", "reason": "安全隐患"}


def test_given_a_case_when_a_note_is_added_then_one_event_and_the_version_is_unchanged(case, agent):
    services.case_add_note(case=case, actor=agent, text="  待确认序列号  ")

    case.refresh_from_db()
    assert (case.version, case.events.count()) == (1, 2)
    assert case.events.get(type="note").data == {"text": "待确认序列号"}


def test_given_housekeeping_by_the_wrong_people_or_with_bad_inputs_then_refused_and_nothing_written(
    case, consumer_user, warehouse, agent
):
    with refused("case.role_forbidden", case=case):
        services.case_assign(case=case, actor=consumer_user, assignee=agent)
    with refused("case.invalid_input", case=case):
        services.case_assign(case=case, actor=agent, assignee=consumer_user)
    with refused("case.role_forbidden", case=case):
        services.case_set_priority(case=case, actor=warehouse, priority="high")
    with refused("case.invalid_input", case=case):
        services.case_set_priority(case=case, actor=agent, priority="asap")
    with refused("case.invalid_input", case=case):
        services.case_add_note(case=case, actor=agent, text="   ")
    with refused("case.role_forbidden", case=case):
        services.case_add_note(case=case, actor=None, text="系统")


def test_given_a_key_account_when_it_opens_a_case_then_the_priority_is_raised_to_high(
    key_account, agent, make_line
):
    """Seed S1 四.2: key customers are handled first."""
    ol = make_line(key_account, quantity=1)
    case = open_case(actor=agent, customer=key_account, order_line=ol, reason="Q01", channel="phone")
    assert case.priority == Priority.HIGH
    assert case.events.get().data["priority"] == "high"


def test_given_a_key_account_when_opened_as_urgent_then_the_requested_urgency_stays(
    key_account, agent, make_line
):
    ol = make_line(key_account, quantity=1)
    case = open_case(actor=agent, customer=key_account, order_line=ol, reason="Q01", priority="urgent")
    assert case.priority == Priority.URGENT


def test_given_a_safety_hazard_reason_when_a_consumer_opens_a_case_then_the_priority_is_urgent(
    consumer, consumer_user, line5
):
    """Seed S1 四.2: urgent issues first; Q06 (overheating, smoke) is marked urgent."""
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, reason="Q06", priority="normal"
    )
    assert case.priority == Priority.URGENT


def test_given_an_ordinary_reason_from_a_consumer_when_a_case_opens_then_the_priority_is_normal(case):
    assert case.priority == Priority.NORMAL
