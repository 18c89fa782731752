"""Refused actions: each gives its stable code, a message in both languages, and changes nothing
(case status, version and fields, lines, events, order-line counters, row counts)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.core.errors import DomainError

from .helpers import (
    add_photo,
    approve_and_ship,
    confirm_cause,
    inspect_all,
    line_of,
    open_case,
    receive_and_inspect,
    refused,
)


@pytest.fixture
def case(consumer, consumer_user, line5):
    """A submitted quality claim with the photo the policy asks for before approval."""
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="Q01")
    add_photo(case, consumer_user)
    return case


@pytest.fixture
def in_transit(case, agent, consumer_user):
    return approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)


# --- roles and ownership ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.QC, Role.GM, Role.FINANCE, Role.ADMIN, Role.CUSTOMER])
def test_given_a_submitted_case_when_a_role_outside_the_reviewers_approves_then_refused_with_role_forbidden(
    case, consumer, role, django_user_model
):
    """Only agents, supervisors and sales review (seed S2/S6); admins configure, never act."""
    customer = consumer if role == Role.CUSTOMER else None
    user = django_user_model.objects.create_user(username=f"u-{role}", role=role, customer=customer)
    with refused("case.role_forbidden", case=case) as exc:
        services.case_approve(case=case, actor=user, solution="self_ship")
    assert (exc.value.kind, exc.value.en) == ("forbidden", "Your role may not take this action")


def test_given_a_submitted_case_when_the_system_rejects_then_refused_with_role_forbidden(case):
    """The system approves only under a policy's auto-approval rule (cases.services.creation);
    refusing a customer is always a person's decision."""
    with refused("case.role_forbidden", case=case):
        services.case_reject(case=case, actor=None, reason="自动拒绝", alternative="无")


def test_given_a_received_return_when_the_agent_refunds_then_refused_because_only_finance_refunds(
    in_transit, warehouse, agent
):
    receive_and_inspect(in_transit, warehouse=warehouse)
    with refused("case.role_forbidden", case=in_transit):
        services.case_refund(case=in_transit, actor=agent, reference="CN-1")


def test_given_another_customers_case_when_a_customer_confirms_cancels_or_appeals_then_refused_as_not_own_case(
    case, agent, other_user
):
    services.case_approve(case=case, actor=agent, solution="self_ship")
    with refused("case.not_own_case", case=case) as exc:
        services.case_confirm_solution(case=case, actor=other_user)
    assert exc.value.en == "You can act only on your own cases"
    with refused("case.not_own_case", case=case):
        services.case_cancel(case=case, actor=other_user, reason="恶意取消")


def test_given_another_customers_case_when_a_customer_adds_a_note_then_refused_as_not_own_case(
    case, other_user
):
    with refused("case.not_own_case", case=case):
        services.case_add_note(case=case, actor=other_user, text="看看")


def test_given_another_customer_when_a_customer_opens_a_case_in_their_name_then_refused_as_not_own_case(
    consumer, other_user, line5
):
    with refused("case.not_own_case", order_lines=[line5]):
        open_case(actor=other_user, customer=consumer, order_line=line5)


def test_given_a_distributor_sign_in_when_it_opens_a_case_for_itself_then_allowed_but_not_when_its_customer_is_a_consumer(
    distributor, distributor_user, make_line, django_user_model, consumer, line5
):
    ol = make_line(distributor, quantity=1)
    assert open_case(actor=distributor_user, customer=distributor, order_line=ol).customer == distributor
    misconfigured = django_user_model.objects.create_user(
        username="dealer-of-consumer", role=Role.DISTRIBUTOR, customer=consumer
    )
    with refused("case.not_own_case", order_lines=[line5]):
        open_case(actor=misconfigured, customer=consumer, order_line=line5)


# --- status and type ----------------------------------------------------------------------------


def test_given_an_approved_case_when_it_is_approved_again_then_refused_as_not_allowed_now(
    case, agent, supervisor
):
    services.case_approve(case=case, actor=agent, solution="self_ship")
    with refused("case.action_not_allowed_now", case=case) as exc:
        services.case_approve(case=case, actor=supervisor, solution="pickup")
    assert exc.value.kind == "conflict"
    assert exc.value.zh == "工单当前状态为「待客户确认方案」,不能执行此操作"
    assert exc.value.en == "The case is 'Awaiting customer'; this action is not possible now"


def test_given_a_submitted_case_when_the_warehouse_receives_then_refused_as_not_allowed_now(case, warehouse):
    with refused("case.action_not_allowed_now", case=case):
        services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 2})


def test_given_a_return_case_when_answering_it_like_a_consultation_then_refused_as_not_for_this_type(
    case, agent
):
    with refused("case.action_not_for_type", case=case):
        services.case_answer(case=case, actor=agent, answer="请重启")


def test_given_any_case_when_an_unknown_action_is_fired_then_refused_as_unknown(case, agent):
    with refused("case.action_unknown", case=case) as exc:
        services.case_transition(case=case, actor=agent, action="teleport")
    assert exc.value.en == "Unknown action: teleport"


# --- inputs -------------------------------------------------------------------------------------


def test_given_a_submitted_case_when_rejected_without_reason_and_alternative_then_refused_naming_both_fields(
    case, agent
):
    with refused("case.missing_inputs", case=case) as exc:
        services.case_reject(case=case, actor=agent, reason="   ", alternative="")
    assert set(exc.value.fields) == {"reason", "alternative"}
    assert exc.value.en == "Please fill in: reason, alternative offered"
    assert exc.value.zh == "请填写:原因、替代方案"
    assert exc.value.field_messages("en") == {
        "reason": "This field is required",
        "alternative": "This field is required",
    }


def test_given_a_submitted_case_when_approved_without_a_solution_then_refused_naming_the_solution(
    case, agent
):
    with refused("case.missing_inputs", case=case) as exc:
        services.case_approve(case=case, actor=agent)
    assert set(exc.value.fields) == {"solution"}


def test_given_a_submitted_case_when_approved_with_an_unknown_solution_then_refused_as_invalid(case, agent):
    with refused("case.invalid_input", case=case) as exc:
        services.case_approve(case=case, actor=agent, solution="teleport")
    assert set(exc.value.fields) == {"solution"}
    assert exc.value.params["options"] == ["pickup", "self_ship", "drop_off"]


@pytest.mark.parametrize(
    ("carrier", "tracking_number", "field", "code"),
    [
        ("DHLX", "SF1234567890123", "carrier", "logistics.carrier_unknown"),
        ("SF", "SF123", "tracking_number", "logistics.tracking_invalid"),
        ("SF", "1234567890123", "tracking_number", "logistics.tracking_invalid"),
        ("EMS", "EA12345678CN", "tracking_number", "logistics.tracking_invalid"),
        ("EMS", "EA123456789CN", "tracking_number", "logistics.tracking_invalid"),  # wrong S10 check digit
    ],
)
def test_given_an_awaiting_return_case_when_shipped_back_with_a_bad_carrier_or_tracking_number_then_refused(
    case, agent, consumer_user, carrier, tracking_number, field, code
):
    services.case_approve(case=case, actor=agent, solution="self_ship")
    services.case_confirm_solution(case=case, actor=consumer_user)
    with refused(code, case=case) as exc:
        services.case_ship_back(
            case=case, actor=consumer_user, carrier=carrier, tracking_number=tracking_number
        )
    assert set(exc.value.fields) == {field}


def test_given_a_case_in_transit_when_the_warehouse_receives_more_than_requested_then_refused(
    in_transit, warehouse
):
    with refused("case.invalid_input", case=in_transit) as exc:
        services.case_receive(case=in_transit, actor=warehouse, received={str(line_of(in_transit).id): 3})
    assert exc.value.en == "Line 1: 3 received but 2 requested; record the extra units as over (extras)"


def test_given_a_two_line_case_when_the_receipt_is_valid_for_one_line_and_not_the_other_then_neither_is_recorded(
    consumer, consumer_user, make_line, agent, warehouse
):
    """The effect writes line by line; the transaction must take the first line back too."""
    first, second = make_line(consumer, quantity=2), make_line(consumer, quantity=2)
    case = services.case_create(
        actor=consumer_user, customer=consumer, type="return_refund", channel="web",
        lines=[
            {"order_line": first, "quantity": 2, "reason": "Q01"},
            {"order_line": second, "quantity": 2, "reason": "Q01"},
        ],
    )  # fmt: skip
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    line_ids = [str(line.id) for line in case.lines.order_by("created_at")]
    with refused("case.invalid_input", case=case) as exc:
        services.case_receive(case=case, actor=warehouse, received={line_ids[0]: 2, line_ids[1]: -1})
    assert list(exc.value.fields) == [f"received[{line_ids[1]}]"]


@pytest.mark.parametrize("received", [[1, 2], "2", 2])
def test_given_a_case_in_transit_when_the_receipt_is_not_per_line_then_refused_as_invalid(
    in_transit, warehouse, received
):
    """Regression: a list or a bare number reached dict() and crashed with TypeError/ValueError."""
    with refused("case.invalid_input", case=in_transit) as exc:
        services.case_receive(case=in_transit, actor=warehouse, received=received)
    assert set(exc.value.fields) == {"received"}


def test_given_a_case_in_transit_when_the_receipt_names_a_line_of_another_case_then_refused(
    in_transit, warehouse
):
    with refused("case.invalid_input", case=in_transit):
        services.case_receive(
            case=in_transit, actor=warehouse, received={str(line_of(in_transit).id): 2, str(uuid.uuid4()): 1}
        )


def test_given_a_received_case_when_qc_names_an_unknown_stage_then_refused(in_transit, warehouse, qc):
    receive_and_inspect(in_transit, warehouse=warehouse)
    with refused("case.invalid_input", case=in_transit) as exc:
        services.case_confirm_cause(
            case=in_transit, actor=qc, is_our_product=True, stage="moon", responsible_department="生产部",
            handling="报废",
        )  # fmt: skip
    assert set(exc.value.fields) == {"stage"}


def test_given_a_group_reason_when_opening_a_case_then_refused_asking_for_a_specific_reason(
    consumer, consumer_user, line5
):
    with refused("case.invalid_input", order_lines=[line5]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="Q")
    assert set(exc.value.fields) == {"lines[1].reason"}
    assert exc.value.en == "Line 1: choose a specific reason ('Quality problem' is a group)"


def test_given_an_unknown_reason_code_when_opening_a_case_then_refused(consumer, consumer_user, line5):
    with refused("case.invalid_input", order_lines=[line5]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=line5, reason="Z42")
    assert set(exc.value.fields) == {"lines[1].reason"}


@pytest.mark.parametrize("quantity", [0, -1, True, "1", 1.0])
def test_given_a_quantity_that_is_not_a_positive_whole_number_when_opening_a_case_then_refused(
    consumer, consumer_user, line5, quantity
):
    with refused("case.invalid_input", order_lines=[line5]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=quantity)
    assert set(exc.value.fields) == {"lines[1].quantity"}


def test_given_a_line_sold_with_serial_numbers_when_a_case_names_one_not_sold_then_refused(
    consumer, consumer_user, make_line
):
    ol = make_line(consumer, quantity=2, serial_numbers=["SN-A1", "SN-A2"])
    with refused("case.invalid_input", order_lines=[ol]) as exc:
        services.case_create(
            actor=consumer_user, customer=consumer, type="return_refund", channel="web",
            lines=[{"order_line": ol, "quantity": 1, "reason": "Q01", "serial_numbers": ["SN-Z9"]}],
        )  # fmt: skip
    assert set(exc.value.fields) == {"lines[1].serial_numbers"}
    assert exc.value.en == "Line 1: serial number(s) SN-Z9 were not sold on this order line"

    case = services.case_create(
        actor=consumer_user, customer=consumer, type="return_refund", channel="web",
        lines=[{"order_line": ol, "quantity": 1, "reason": "Q01", "serial_numbers": [" SN-A2 "]}],
    )  # fmt: skip
    assert line_of(case).serial_numbers == ["SN-A2"]


def test_given_a_line_sold_with_serial_numbers_when_a_case_names_more_serials_than_units_then_refused(
    consumer, consumer_user, make_line
):
    ol = make_line(consumer, quantity=2, serial_numbers=["SN-A1", "SN-A2"])
    with refused("case.invalid_input", order_lines=[ol]):
        services.case_create(
            actor=consumer_user, customer=consumer, type="return_refund", channel="web",
            lines=[{"order_line": ol, "quantity": 1, "reason": "Q01", "serial_numbers": ["SN-A1", "SN-A2"]}],
        )  # fmt: skip


def test_given_an_order_line_of_another_customer_when_opening_a_case_then_the_error_is_the_same_as_for_a_missing_line(
    consumer, consumer_user, other_consumer, make_line
):
    """Never reveal that another customer's order line exists."""
    foreign = make_line(other_consumer, quantity=1)
    with refused("case.invalid_input", order_lines=[foreign]) as foreign_exc:
        open_case(actor=consumer_user, customer=consumer, order_line=foreign)
    with refused("case.invalid_input") as missing_exc:
        open_case(actor=consumer_user, customer=consumer, order_line=uuid.uuid4())

    def shape(e: DomainError):
        return e.code, e.zh, e.en, e.fields, e.params

    assert shape(foreign_exc.value) == shape(missing_exc.value)
    assert foreign_exc.value.en == "Line 1: order line not found"


def test_given_the_order_line_id_as_text_when_opening_a_case_then_it_is_found_like_the_object(
    consumer, consumer_user, line5
):
    """Interfaces pass ids as text (regression: a valid id as text was 'not found')."""
    case = open_case(actor=consumer_user, customer=consumer, order_line=str(line5.id))
    assert line_of(case).order_line == line5


@pytest.mark.parametrize("reference", ["not-a-uuid", 42, None])
def test_given_a_malformed_order_line_reference_when_opening_a_case_then_refused_like_a_missing_line(
    consumer, consumer_user, line5, reference
):
    """Regression: a malformed id raised django's ValidationError instead of a domain error."""
    with refused("case.invalid_input", order_lines=[line5]) as exc:
        services.case_create(
            actor=consumer_user, customer=consumer, type="return_refund", channel="web",
            lines=[{"order_line": reference, "quantity": 1, "reason": "Q01"}],
        )  # fmt: skip
    assert (exc.value.en, set(exc.value.fields)) == ("Line 1: order line not found", {"lines[1].order_line"})


def test_given_one_order_line_twice_in_a_case_when_opening_then_refused(consumer, consumer_user, line5):
    with refused("case.invalid_input", order_lines=[line5]) as exc:
        services.case_create(
            actor=consumer_user, customer=consumer, type="return_refund", channel="web",
            lines=[{"order_line": line5, "quantity": 1, "reason": "Q01"}] * 2,
        )  # fmt: skip
    assert set(exc.value.fields) == {"lines"}


@pytest.mark.parametrize(
    ("field", "value"), [("type", "barter"), ("channel", "pigeon"), ("priority", "whenever")]
)
def test_given_an_unknown_type_channel_or_priority_when_opening_a_case_then_refused(
    consumer, consumer_user, line5, field, value
):
    kw = {"type": "return_refund", "channel": "web", field: value}
    with refused("case.invalid_input", order_lines=[line5]) as exc:
        services.case_create(
            actor=consumer_user, customer=consumer, lines=[{"order_line": line5, "quantity": 1, "reason": "Q01"}],
            **kw,
        )  # fmt: skip
    assert set(exc.value.fields) == {field}


# --- guards -------------------------------------------------------------------------------------


def test_given_a_received_quality_return_when_finance_refunds_before_qc_confirms_the_cause_then_refused(
    in_transit, warehouse, finance
):
    """Seed S2: production/QC confirms the cause of quality returns before the refund."""
    receive_and_inspect(in_transit, warehouse=warehouse)
    with refused("case.guard.cause_confirmed_if_required", case=in_transit) as exc:
        services.case_refund(case=in_transit, actor=finance, reference="CN-1")
    assert exc.value.en == "Production/QC must confirm the cause first"


def test_given_a_return_where_nothing_arrived_when_finance_refunds_then_refused_as_no_goods_received(
    consumer, consumer_user, line5, agent, warehouse, finance
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="C02")
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 0}, note="空箱")
    inspect_all(case, inspector=warehouse)  # nothing to inspect
    with refused("case.guard.goods_received", case=case, order_lines=[line5]):
        services.case_refund(case=case, actor=finance, reference="CN-1")


def test_given_a_received_distributor_return_when_the_gm_approves_before_qc_then_refused_until_the_cause_is_confirmed(
    distributor, make_line, sales, warehouse, qc, gm
):
    ol = make_line(distributor, quantity=4)
    case = open_case(
        actor=sales, customer=distributor, order_line=ol, quantity=2, channel="distributor_notice"
    )
    approve_and_ship(case, reviewer=sales, customer_actor=sales)
    receive_and_inspect(case, warehouse=warehouse)
    with refused("case.guard.gm_approval_required", case=case) as exc:
        services.case_gm_approve(case=case, actor=gm, opinion="同意")
    assert exc.value.en == "Production/QC must confirm the cause first"
    confirm_cause(case, qc=qc)
    services.case_gm_approve(case=case, actor=gm, opinion="同意")
    assert case.status == "gm_approved"


# --- stale copies -------------------------------------------------------------------------------


def test_given_a_copy_loaded_before_someone_else_changed_the_case_when_approving_from_it_then_refused_as_conflict(
    case, agent, supervisor
):
    stale = Case.objects.get(pk=case.pk)
    services.case_assign(case=case, actor=supervisor, assignee=supervisor)
    assert (stale.version, case.version) == (1, 2)

    with refused("case.conflict", case=case) as exc:
        services.case_approve(case=stale, actor=agent, solution="self_ship")
    assert exc.value.kind == "conflict"
    assert exc.value.en == f"Case {case.number} was changed by someone else; reload and try again"


def test_given_an_explicit_expected_version_that_is_not_current_when_acting_then_refused_as_conflict(
    case, agent
):
    with refused("case.conflict", case=case):
        services.case_approve(case=case, actor=agent, solution="self_ship", expected_version=7)
    services.case_approve(case=case, actor=agent, solution="self_ship", expected_version=1)
    assert case.version == 2


# --- messages in both languages -----------------------------------------------------------------


def test_given_a_refusal_when_its_message_is_read_then_it_follows_the_active_language(case, warehouse):
    with pytest.raises(DomainError) as excinfo:
        services.case_approve(case=case, actor=warehouse, solution="self_ship")
    error = excinfo.value
    assert (error.zh, error.en) == ("您的角色无权执行此操作", "Your role may not take this action")
    with translation.override("en"):
        assert error.message == error.en
    with translation.override("zh-hans"):
        assert error.message == error.zh
