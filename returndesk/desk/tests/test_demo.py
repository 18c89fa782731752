"""Demo data (demo-data issue): loaded through the real services, idempotent, a sign-in for every
role, and a case in every status that each flow can reach."""

import io
from pathlib import Path

import pytest

from returndesk.acceptance.models import AcceptanceFinding
from returndesk.accounts.models import ApiToken, Team, User
from returndesk.accounts.roles import Role
from returndesk.cases.models import Case, CaseEvent, CaseType, Status
from returndesk.cases.workflow import TRANSITIONS, statuses_for
from returndesk.catalog.models import Customer, Product, Warehouse
from returndesk.desk.demo import DEMO_API_TOKEN, DEMO_PASSWORD, load_demo, planned_cases
from returndesk.orders.models import Order, OrderLine, Payment

MODELS = {
    "users": User,
    "teams": Team,
    "products": Product,
    "warehouses": Warehouse,
    "customers": Customer,
    "orders": Order,
    "order_lines": OrderLine,
    "payments": Payment,
    "cases": Case,
    "case_events": CaseEvent,
}


def _snapshot() -> dict[str, int]:
    return {name: model.objects.count() for name, model in MODELS.items()}


def _reachable(case_type: str) -> set[str]:
    """Statuses reachable from `submitted` through this type's transitions, read off the table
    here (not via statuses_for), guards ignored. A status the table mentions for a type (e.g.
    `approved` as a source of gm_approve for return_refund) but never leads to is unreachable;
    guards exclude nothing more, which the exact equality below shows."""
    reached, frontier = {Status.SUBMITTED.value}, [Status.SUBMITTED.value]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if case_type in t.types and current in t.sources and t.target.value not in reached:
                reached.add(t.target.value)
                frontier.append(t.target.value)
    return reached


@pytest.mark.django_db
def test_given_an_empty_db_when_load_demo_runs_twice_then_the_second_run_adds_nothing_and_every_flow_status_has_a_case():
    first = load_demo()
    after_first = _snapshot()
    out = io.StringIO()

    second = load_demo(stdout=out)

    assert _snapshot() == after_first
    assert set(second.values()) == {0}
    assert "演示数据已存在 / demo data already loaded" in out.getvalue()
    assert all(username in out.getvalue() for username in ("admin", "supervisor", "customer"))
    assert DEMO_PASSWORD in out.getvalue()
    assert first["orders"] == after_first["orders"] == 200
    # plus the exchange cases opened from acceptance findings (desk/demo/exchanges_repairs.py)
    follow_ups = AcceptanceFinding.objects.exclude(opened_case=None).values("opened_case").distinct().count()
    assert follow_ups == 1
    assert first["cases"] == after_first["cases"] == len(planned_cases()) + follow_ups
    assert first["case_events"] == after_first["case_events"]

    # A sign-in for every role; admin is a superuser; external users see their own customer;
    # the integration (role system) has no password, only the published demo token.
    assert set(User.objects.values_list("role", flat=True)) == {r.value for r in Role}
    assert list(User.objects.filter(role=Role.SYSTEM).values_list("username", flat=True)) == ["shop-sync"]
    assert not User.objects.get(username="shop-sync").has_usable_password()
    assert DEMO_API_TOKEN in out.getvalue()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="customer").customer.name == "张伟"
    assert User.objects.get(username="distributor").customer.name == "成都蓉信数码贸易有限公司"
    assert User.objects.get(username="gm").check_password(DEMO_PASSWORD)

    # Every (type, status) each flow can reach holds a case, and no case is anywhere else.
    expected = {(t.value, s) for t in CaseType for s in _reachable(t)}
    for t in CaseType:  # the declaration's own helper agrees with the derivation here
        assert {s.value for s in statuses_for(t)} == _reachable(t), t
    assert set(Case.objects.values_list("type", "status")) == expected


@pytest.mark.django_db
def test_given_the_demo_when_reading_each_timeline_then_the_status_is_the_last_transition_of_real_events():
    load_demo()

    last_status: dict = {}
    first_type: dict = {}
    for case_id, event_type, to_status in CaseEvent.objects.order_by("case_id", "sequence").values_list(
        "case_id", "type", "to_status"
    ):
        first_type.setdefault(case_id, event_type)
        if to_status:
            last_status[case_id] = to_status
    statuses = dict(Case.objects.values_list("id", "status"))
    assert last_status == statuses
    assert set(first_type.values()) == {"created"}

    # Seed S2's distributor flow: sales enters the notice, the warehouse receives one unit short,
    # QC confirms the cause, the general manager approves, finance books the first credit note.
    headline = Case.objects.get(refund_reference__startswith="CN-", refund_reference__endswith="-00001")
    assert (headline.channel, headline.created_by.username, headline.customer.code) == (
        "distributor_notice", "sales", "D001",
    )  # fmt: skip
    assert [(cl.quantity, cl.quantity_received) for cl in headline.lines.all()] == [(10, 9)]
    assert list(headline.events.exclude(to_status="").values_list("type", flat=True)) == [
        "created", "approve", "confirm_solution", "receive", "inspect", "confirm_cause", "gm_approve", "refund",
        "refund_complete", "close",
    ]  # fmt: skip
    refused = Case.objects.filter(rejection_reason="非质量原因,经销商不予退货")
    assert {c.customer.type for c in refused} == {"distributor"}
    assert all(c.rejection_alternative for c in refused)
    assert Case.objects.filter(customer__type="key_account").exclude(priority="high").count() == 0
    assert Case.objects.filter(priority="urgent", lines__reason__code="Q06").exists()

    # The policy (docs/policies.md): every case carries its decision and version; one shows the
    # supervisor's override of an intake refusal, quality claims carry a photo or a waiver.
    assert not Case.objects.filter(policy_version__isnull=True).exists()
    assert [c.policy_override["rules"] for c in Case.objects.exclude(policy_override={})] == [
        ["no_reason.excluded.custom_made"]
    ]
    assert CaseEvent.objects.filter(type="evidence_waived").exists()
    assert not CaseEvent.objects.filter(type="approve", actor__isnull=True).exists()  # auto-approval is off

    # Refunds (issue 6): every refunded case has its balanced credit notes, all in the one export;
    # a declined refund retried, a lost answer asked for, a forged callback flagged, bank
    # transfers waiting for finance, and the distributor's refund credited to its account.
    from returndesk.refunds.models import CreditNote, CreditNoteExport, Refund, StoreCreditAccount

    refunded = Case.objects.filter(refunded_at__isnull=False)
    assert refunded.count() == CreditNote.objects.values("case").distinct().count() > 10
    for note in CreditNote.objects.prefetch_related("journal_lines"):
        lines = list(note.journal_lines.all())
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines) > 0
    (export,) = CreditNoteExport.objects.all()
    assert (
        export.notes_count == CreditNote.objects.count() == CreditNote.objects.filter(export=export).count()
    )
    assert Refund.objects.filter(status="failed").count() >= 2
    assert Case.objects.filter(refunds__attempt=2, status="closed").exists()  # declined, then retried
    assert Refund.objects.filter(flagged=True, status="succeeded").count() == 1
    assert Refund.objects.filter(status="pending", provider="manual").exists()
    assert StoreCreditAccount.objects.get(customer__code="D001").balance == headline.refund_amount


@pytest.mark.django_db
def test_given_the_demo_when_an_integration_calls_the_api_with_the_published_token_then_it_acts_as_shop_sync(
    client,
):
    load_demo()
    token = ApiToken.objects.get()

    listed = client.get("/api/v1/cases?limit=5", HTTP_AUTHORIZATION=f"Bearer {DEMO_API_TOKEN}")
    refused = client.get("/api/v1/cases?limit=5", HTTP_AUTHORIZATION=f"Bearer {DEMO_API_TOKEN}x")

    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 5
    assert refused.status_code == 401
    token.refresh_from_db()
    assert (token.user.username, token.role, token.prefix) == ("shop-sync", Role.SYSTEM, "demo0000")
    assert token.last_used_at is not None
    # The README and docs/api.md publish this very token.
    root = Path(__file__).resolve().parents[3]
    assert DEMO_API_TOKEN in (root / "README.md").read_text()
    assert DEMO_API_TOKEN in (root / "docs" / "api.md").read_text().replace("\n", " ")
    # Loading again (an install loaded before the token existed included) keeps one token.
    load_demo()
    assert ApiToken.objects.count() == 1
