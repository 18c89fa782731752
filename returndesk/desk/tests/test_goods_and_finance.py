"""The receiving bench's inspection and finance's asynchronous refund queue, through the pages
with the Django client and the real services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from returndesk.cases.models import Case, Status
from returndesk.inspection.models import ReturnUnit
from returndesk.refunds.models import CreditNote, Refund

from .conftest import open_return, order_line, to_cause_confirmed, to_received

pytestmark = pytest.mark.django_db


def test_given_a_rejection_without_a_photo_when_inspecting_on_the_page_then_the_unit_field_shows_why_and_nothing_changes(
    client, agent, warehouse, consumer
):
    case = to_received(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)),
        agent=agent,
        warehouse=warehouse,
    )
    case = Case.objects.get(pk=case.pk)
    client.force_login(warehouse)
    page = client.get(reverse("receiving_case", args=[case.pk]))
    form = next(e["form"] for e in page.context["action_forms"] if e["item"].action == "inspect")
    data = {"inspect-version": case.version, "inspect-unit1_grade": "C", "inspect-unit1_outcome": "rejected",
            "inspect-unit1_rejection_reason": "customer_damage"}  # fmt: skip
    for _code, name in form.unit_rows[0]["checks"]:
        data[f"inspect-{name}"] = "on"

    response = client.post(reverse("case_action", args=[case.pk, "inspect"]), data, HTTP_ACCEPT_LANGUAGE="en")

    bound = next(e["form"] for e in response.context["action_forms"] if e["item"].action == "inspect")
    assert response.status_code == 422
    assert bound.errors["unit1_photos"] == ["Unit 1: a rejection needs at least one photo as evidence"]
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED
    assert ReturnUnit.objects.get(case_line__case=case).outcome == ""


def test_given_an_inspected_unit_when_the_warehouse_disposes_it_on_the_page_then_stock_moves_once(
    client, agent, warehouse, consumer
):
    case = to_received(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)),
        agent=agent,
        warehouse=warehouse,
    )
    client.force_login(warehouse)
    page = client.get(reverse("receiving_case", args=[case.pk]))
    form = next(e["form"] for e in page.context["action_forms"] if e["item"].action == "inspect")
    data = {"inspect-version": Case.objects.get(pk=case.pk).version, "inspect-unit1_grade": "A",
            "inspect-unit1_outcome": "accepted"}  # fmt: skip
    for _code, name in form.unit_rows[0]["checks"]:
        data[f"inspect-{name}"] = "on"
    inspected = client.post(reverse("case_action", args=[case.pk, "inspect"]), data)
    unit = ReturnUnit.objects.get(case_line__case=case)

    disposed = client.post(reverse("receiving_dispose", args=[case.pk]), {f"unit_{unit.id}": "restock"})

    unit.refresh_from_db()
    assert (inspected.status_code, disposed.status_code) == (302, 302)
    assert (unit.grade, unit.outcome, unit.disposition) == ("A", "accepted", "restock")
    assert Case.objects.get(pk=case.pk).status == Status.GOODS_INSPECTED


@pytest.fixture
def pending_transfer(agent, warehouse, qc, finance, consumer):
    case = to_cause_confirmed(
        open_return(actor=agent, customer=consumer, line=order_line(consumer, unit_price="199.00")),
        agent=agent, warehouse=warehouse, qc=qc,
    )  # fmt: skip
    from returndesk.cases import services

    services.case_refund(
        case=Case.objects.get(pk=case.pk), actor=finance, route="bank_transfer", account_name="张伟",
        bank="招商银行上海分行", account_number="6225880212345678",
    )  # fmt: skip
    return Case.objects.get(pk=case.pk)


def test_given_a_bank_transfer_refund_when_finance_confirms_it_with_the_reference_then_the_case_is_refunded(
    client, finance, pending_transfer
):
    refund = Refund.objects.get(case=pending_transfer)
    client.force_login(finance)
    queue = client.get(reverse("finance"))

    response = client.post(
        reverse("refund_confirm", args=[refund.pk]), {f"c{refund.pk.hex[:8]}-reference": "CMB20261127000123"}
    )

    refund.refresh_from_db()
    case = Case.objects.get(pk=pending_transfer.pk)
    assert pending_transfer.status == Status.REFUND_PENDING
    assert [e["refund"].number for e in queue.context["manual"]] == [refund.number]
    assert response.status_code == 302
    assert (refund.status, refund.confirmed_by) == ("succeeded", finance)
    assert case.status == Status.REFUNDED
    assert CreditNote.objects.filter(case=case).count() == 1


def test_given_the_general_manager_when_confirming_a_transfer_then_refused_and_nothing_changes(
    client, gm, pending_transfer
):
    refund = Refund.objects.get(case=pending_transfer)
    client.force_login(gm)

    page = client.get(reverse("finance"))
    response = client.post(
        reverse("refund_confirm", args=[refund.pk]), {f"c{refund.pk.hex[:8]}-reference": "X1"}
    )

    refund.refresh_from_db()
    assert page.status_code == 200 and page.context["is_finance"] is False
    assert response.status_code == 403
    assert refund.status == "pending"
    assert Case.objects.get(pk=pending_transfer.pk).status == Status.REFUND_PENDING


def test_given_a_refunded_case_when_finance_exports_the_day_then_the_csv_has_its_credit_note(
    client, finance, pending_transfer
):
    from returndesk.cases import services

    refund = Refund.objects.get(case=pending_transfer)
    services.case_refund_confirm_manual(refund=refund, actor=finance, reference="CMB1")
    today = timezone.localdate().isoformat()
    client.force_login(finance)

    created = client.post(reverse("export_create"), {"date_from": today, "date_to": today})
    page = client.get(reverse("finance"))
    (export,) = page.context["exports"]
    csv = client.get(reverse("export_csv", args=[export.pk]))

    note = CreditNote.objects.get(case=pending_transfer)
    assert created.status_code == 302
    assert export.notes_count == 1
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert note.number in csv.content.decode("utf-8-sig")


def test_given_an_export_range_backwards_then_the_form_says_so_and_no_export_is_made(client, finance):
    client.force_login(finance)

    response = client.post(reverse("export_create"), {"date_from": "2026-11-27", "date_to": "2026-11-01"})

    assert response.status_code == 422
    assert response.context["export_form"].non_field_errors()
    assert response.context["exports"] == []


@pytest.mark.parametrize("username_fixture", ["warehouse", "agent", "customer_user"])
def test_given_someone_not_in_finance_when_opening_the_finance_page_then_403(
    client, request, username_fixture
):
    client.force_login(request.getfixturevalue(username_fixture))

    assert client.get(reverse("finance")).status_code == 403


def test_given_the_quote_form_when_filled_then_the_service_gets_parts_and_labour_as_the_api_takes_them(
    agent, consumer
):
    from returndesk.cases.workflow import transition_for
    from returndesk.desk.forms import ActionForm

    case = open_return(actor=agent, customer=consumer, line=order_line(consumer), type="repair")
    transition = transition_for(case.type, "quote_repair")
    data = {"quote_repair-version": case.version, "quote_repair-diagnosis": "屏幕进水", "quote_repair-exclusion": "misuse",
            "quote_repair-part1_name": "屏幕总成", "quote_repair-part1_quantity": "1", "quote_repair-part1_unit_price": "680.00",
            "quote_repair-labour": "120.00"}  # fmt: skip

    form = ActionForm(data, transition=transition, case=case, lines=list(case.lines.all()))

    assert form.is_valid(), form.errors
    assert form.inputs() == {
        "diagnosis": "屏幕进水", "exclusion": "misuse",
        "parts": [{"name": "屏幕总成", "quantity": 1, "unit_price": "680.00"}], "labour": "120.00",
    }  # fmt: skip


def test_given_the_exchange_form_when_another_variant_is_chosen_then_replacements_name_the_line(
    agent, consumer
):
    from returndesk.cases.workflow import transition_for
    from returndesk.catalog.tests.factories import make_product
    from returndesk.desk.forms import ActionForm

    line = order_line(consumer)
    case = open_return(actor=agent, customer=consumer, line=line, type="exchange")
    variant = make_product(name="星锐14 银色", category=line.product.category, sku="XR14-SILVER")
    case_line = case.lines.get()
    prefix = f"arrange_exchange-replacement_{case_line.id}"
    data = {
        "arrange_exchange-version": case.version,
        f"{prefix}_product": variant.sku,
        f"{prefix}_unit_price": "2099.00",
    }

    form = ActionForm(
        data, transition=transition_for(case.type, "arrange_exchange"), case=case, lines=[case_line]
    )

    assert form.is_valid(), form.errors
    assert form.inputs() == {
        "replacements": [{"line": str(case_line.id), "product": "XR14-SILVER", "unit_price": "2099.00"}]
    }


def test_given_a_repair_out_of_warranty_when_qc_quotes_on_the_case_page_then_the_customer_sees_the_quote_and_accepts_it(
    client, agent, warehouse, qc, consumer, customer_user
):
    from returndesk.cases import services

    from .conftest import to_inspected

    case = open_return(actor=agent, customer=consumer, line=order_line(consumer), type="repair")
    to_inspected(case, agent=agent, warehouse=warehouse)
    services.case_confirm_cause(
        case=Case.objects.get(pk=case.pk), actor=qc, is_our_product=True, stage="customer_use",
        responsible_department="客户", handling="付费维修",
    )  # fmt: skip
    case = Case.objects.get(pk=case.pk)
    client.force_login(qc)

    quoted = client.post(
        reverse("case_action", args=[case.pk, "quote_repair"]),
        {"quote_repair-version": case.version, "quote_repair-diagnosis": "屏幕进水", "quote_repair-exclusion": "misuse",
         "quote_repair-part1_name": "屏幕总成", "quote_repair-part1_quantity": "1",
         "quote_repair-part1_unit_price": "680.00", "quote_repair-labour": "120.00"},
    )  # fmt: skip
    client.force_login(customer_user)
    page = client.get(reverse("case_detail", args=[case.pk]))
    accepted = client.post(
        reverse("case_action", args=[case.pk, "accept_quote"]),
        {"accept_quote-version": Case.objects.get(pk=case.pk).version},
    )

    html = page.content.decode()
    assert quoted.status_code == 302
    assert page.context["goods"].repair.quote_total == Decimal("800.00")
    assert "屏幕总成" in html and "800.00" in html
    assert page.context["goods"].refunds == [] and page.context["goods"].receipt is None  # staff only
    assert accepted.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.READY_FOR_REPAIR


def test_given_the_supervisor_when_opening_the_refund_queue_then_it_is_listed_without_any_form_to_act(
    client, supervisor, pending_transfer
):
    client.force_login(supervisor)

    response = client.get(reverse("finance"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [e["refund"].case.number for e in response.context["manual"]] == [pending_transfer.number]
    assert response.context["is_finance"] is False
    assert "/confirm/" not in html and 'action="/finance/exports/"' not in html
