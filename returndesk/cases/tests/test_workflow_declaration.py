"""The workflow declaration is the single source: docs and per-type reachability derive from it."""

from pathlib import Path

from returndesk.cases.models import CaseType, Status
from returndesk.cases.services.transitions import EFFECTS
from returndesk.cases.workflow import TRANSITIONS, statuses_for, workflow_mermaid

DOC = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def test_given_the_architecture_doc_when_comparing_its_diagram_then_it_equals_the_generated_one():
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0].rstrip("\n")
    assert block == workflow_mermaid()


def test_given_every_transition_when_looking_up_its_effect_then_one_exists():
    assert {t.action for t in TRANSITIONS} - set(EFFECTS) == set()


def test_given_each_type_and_action_when_declared_then_no_type_has_two_transitions_of_one_action():
    pairs = [(case_type, t.action) for t in TRANSITIONS for case_type in t.types]
    assert len(pairs) == len(set(pairs))


def test_given_the_flows_when_computing_reachable_statuses_then_each_type_reaches_its_own_end():
    # refunded is no longer last: the system's auto_refund reaches it straight from in_transit.
    assert {Status.RECEIVED, Status.REFUNDED} <= set(statuses_for(CaseType.RETURN_REFUND))
    assert Status.REPLACEMENT_SHIPPED in statuses_for(CaseType.EXCHANGE)
    assert Status.REPAIRED in statuses_for(CaseType.REPAIR)
    assert set(statuses_for(CaseType.CONSULTATION)) == {
        Status.SUBMITTED, Status.ANSWERED, Status.CANCELLED, Status.CLOSED,
    }  # fmt: skip
    assert set(statuses_for(CaseType.ACCEPTANCE)) == {
        Status.SUBMITTED, Status.VISIT_SCHEDULED, Status.INSPECTED, Status.CANCELLED, Status.CLOSED,
    }  # fmt: skip
    assert Status.AWAITING_CUSTOMER not in statuses_for(CaseType.REFUND_ONLY)


def test_given_the_declaration_when_every_status_is_checked_then_each_is_reachable_by_some_type():
    reachable = {st for case_type in CaseType for st in statuses_for(case_type)}
    assert reachable == set(Status)
