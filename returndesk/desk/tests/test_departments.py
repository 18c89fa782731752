"""Department pages (seed S2): warehouse receiving by scan, production/QC's cause form, the
general manager's approval inbox with the petition summary (S3), finance's refund queue; and the
printable request form (S6) and petition (S3) as PDF."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from returndesk.cases import services
from returndesk.cases.models import Case, Status
from returndesk.cases.tests.helpers import state_of
from returndesk.refunds.models import Refund

from .conftest import (
    add_photo,
    open_return,
    order_line,
    to_cause_confirmed,
    to_in_transit,
    to_inspected,
    units_payload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_transit(agent, consumer):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer, quantity=2), quantity=2)
    return to_in_transit(case, agent=agent, tracking="SF1234567890123")


@pytest.fixture
def distributor_case(sales, warehouse, qc, distributor):
    """Seed S2: sales records the distributor's notice, the warehouse counts, QC confirms the cause."""
    case = open_return(
        actor=sales, customer=distributor, line=order_line(distributor, quantity=10, unit_price="3665.22"),
        quantity=10, channel="distributor_notice",
    )  # fmt: skip
    add_photo(case, sales)
    services.case_approve(case=case, actor=sales, solution="self_ship")
    services.case_confirm_solution(case=case, actor=sales)
    services.case_receive(case=case, actor=warehouse, received={str(case.lines.get().id): 9})
    services.case_inspect(case=case, actor=warehouse, units=units_payload(case))
    services.case_confirm_cause(
        case=case, actor=qc, is_our_product=True, stage="production", responsible_department="生产部",
        responsible_person="王建国", handling="返修后入库,追究 SMT 二线", description="主板电源管理芯片虚焊",
    )  # fmt: skip
    return Case.objects.get(pk=case.pk)


# --- receiving ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scan", ["tracking", "number"])
def test_given_one_open_match_when_the_warehouse_scans_then_its_receiving_page_opens(
    client, warehouse, in_transit, scan
):
    client.force_login(warehouse)
    text = {"tracking": "SF 1234 5678 90123", "number": in_transit.number}[scan]

    response = client.get(reverse("receiving"), {"q": text})

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("receiving_case", args=[in_transit.pk])


def test_given_an_unknown_number_when_scanned_then_nothing_found_and_the_queue_is_shown(
    client, warehouse, in_transit
):
    client.force_login(warehouse)

    response = client.get(reverse("receiving"), {"q": "SF0000000000000"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "未找到「SF0000000000000」" in html
    assert [c.number for c in response.context["queue"]] == [in_transit.number]


def test_given_the_receiving_page_then_it_has_the_count_form_and_a_camera_upload(
    client, warehouse, in_transit
):
    client.force_login(warehouse)

    response = client.get(reverse("receiving_case", args=[in_transit.pk]))

    html = response.content.decode()
    line = in_transit.lines.get()
    assert [e["item"].action for e in response.context["action_forms"]] == ["receive"]
    assert f'name="receive-received_{line.id}"' in html
    assert 'inputmode="numeric"' in html
    assert 'accept="image/*" capture="environment"' in html
    assert f'name="next" value="{reverse("receiving_case", args=[in_transit.pk])}"' in html


def test_given_a_short_receipt_when_the_warehouse_confirms_then_it_returns_to_the_receiving_page(
    client, warehouse, in_transit
):
    client.force_login(warehouse)
    line = in_transit.lines.get()
    url = reverse("receiving_case", args=[in_transit.pk])

    response = client.post(
        reverse("case_action", args=[in_transit.pk, "receive"]),
        {
            "receive-version": in_transit.version,
            f"receive-received_{line.id}": 1,
            "receive-note": "少一台",
            "next": url,
        },
    )

    line.refresh_from_db()
    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert line.quantity_received == 1
    assert Case.objects.get(pk=in_transit.pk).status == Status.RECEIVED


def test_given_an_outside_next_url_when_an_action_succeeds_then_it_is_ignored(client, warehouse, in_transit):
    client.force_login(warehouse)
    line = in_transit.lines.get()

    response = client.post(
        reverse("case_action", args=[in_transit.pk, "receive"]),
        {
            "receive-version": in_transit.version,
            f"receive-received_{line.id}": 2,
            "next": "https://evil.example/",
        },
    )

    assert response.headers["Location"] == reverse("case_detail", args=[in_transit.pk])


# --- production / QC ------------------------------------------------------------------------------


def test_given_quality_goods_received_when_qc_opens_its_pages_then_the_cause_form_is_there(
    client, agent, warehouse, qc, consumer
):
    case = to_inspected(
        open_return(actor=agent, customer=consumer, line=order_line(consumer)),
        agent=agent,
        warehouse=warehouse,
    )
    client.force_login(qc)

    queue = client.get(reverse("qc"))
    page = client.get(reverse("qc_case", args=[case.pk]))

    form = page.context["action_forms"][0]["form"]
    assert [c.number for c in queue.context["queue"]] == [case.number]
    assert form.action == "confirm_cause"
    assert set(form.fields) == {
        "version", "is_our_product", "stage", "responsible_department", "handling", "responsible_person", "batch_lot",
        "description",
    }  # fmt: skip
    assert 'type="radio" name="confirm_cause-is_our_product"' in page.content.decode()


# --- general manager ----------------------------------------------------------------------------


def test_given_a_distributor_return_with_its_cause_when_the_gm_opens_the_inbox_then_the_petition_summary_is_there(
    client, gm, distributor_case
):
    client.force_login(gm)

    response = client.get(reverse("approvals"))

    (row,) = response.context["rows"]
    summary = row["summary"]
    html = response.content.decode()
    assert row["case"] == distributor_case
    assert [e["item"].action for e in row["action_forms"]] == ["gm_approve", "gm_reject"]
    assert [(i.quantity, i.quantity_received, str(i.unit_price), str(i.total)) for i in summary.items] == [
        (10, 9, "3665.22", "36652.20")
    ]
    assert summary.quality_report.handling == "返修后入库,追究 SMT 二线"
    assert summary.receiving_record.who == "warehouse"
    assert [step.type for step in summary.trail] == ["created", "approve", "receive", "confirm_cause"]
    assert "36,652.20" in html


def test_given_the_gm_approves_from_the_inbox_with_an_opinion_then_the_case_is_approved(
    client, gm, distributor_case
):
    client.force_login(gm)

    response = client.post(
        reverse("case_action", args=[distributor_case.pk, "gm_approve"]),
        {
            "gm_approve-version": distributor_case.version,
            "gm_approve-opinion": "同意退货,生产部整改",
            "next": reverse("approvals"),
        },
        HTTP_HX_REQUEST="true",
    )

    case = Case.objects.get(pk=distributor_case.pk)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == reverse("approvals")
    assert case.status == Status.GM_APPROVED
    assert case.events.get(type="gm_approve").data["opinion"] == "同意退货,生产部整改"
    assert client.get(reverse("approvals")).context["rows"] == []


def test_given_the_gm_approves_without_an_opinion_then_refused_and_nothing_changes(
    client, gm, distributor_case
):
    client.force_login(gm)
    before = state_of(distributor_case)

    response = client.post(
        reverse("case_action", args=[distributor_case.pk, "gm_approve"]),
        {"gm_approve-version": distributor_case.version, "gm_approve-opinion": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert "这个字段是必填项。" in response.content.decode()
    assert state_of(distributor_case) == before


# --- finance ------------------------------------------------------------------------------------


def test_given_a_case_ready_for_refund_when_finance_refunds_it_from_the_queue_then_it_is_refunded(
    client, agent, warehouse, qc, finance, consumer
):
    case = to_cause_confirmed(
        open_return(actor=agent, customer=consumer, line=order_line(consumer, unit_price="199.00")),
        agent=agent, warehouse=warehouse, qc=qc,
    )  # fmt: skip
    client.force_login(finance)

    queue = client.get(reverse("finance"))
    response = client.post(
        reverse("case_action", args=[case.pk, "refund"]),
        {"refund-version": case.version, "refund-reference": "HC-CN-2026-0042", "next": reverse("finance")},
    )

    case.refresh_from_db()
    refund = Refund.objects.get(case=case)
    assert [row["case"].number for row in queue.context["to_refund"]] == [case.number]
    assert response.headers["Location"] == reverse("finance")
    # The simulated gateway answers at once here; the case moved on by the system's refund_complete.
    assert (case.status, str(case.refund_amount)) == ("refunded", "199.00")
    assert (refund.status, refund.finance_reference, str(refund.amount)) == (
        "succeeded",
        "HC-CN-2026-0042",
        "199.00",
    )


@pytest.mark.parametrize("page", ["receiving", "qc", "approvals", "finance", "reply_list", "case_list"])
def test_given_a_customer_when_opening_a_staff_page_then_403(client, customer_user, page):
    client.force_login(customer_user)

    assert client.get(reverse(page)).status_code == 403


# --- documents ------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_given_an_approved_distributor_return_when_printing_the_petition_then_it_has_items_evidence_and_trail(
    client, gm, distributor_case, return_warehouse, settings
):
    settings.RETURNDESK_COMPANY_NAME = "华辰电子科技有限公司"
    services.case_gm_approve(case=distributor_case, actor=gm, opinion="同意退货,生产部整改")
    client.force_login(gm)

    response = client.get(reverse("petition_pdf", args=[distributor_case.pk]))

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''%E9%80%80%E8%B4%A7%E7%AD%BE%E5%91%88-" + f"{distributor_case.number}.pdf"
    )
    for expected in (
        "华辰电子科技有限公司", "退货签呈", distributor_case.number, "一、退货物品清单", "36,652.20",
        "a. 产品质量检验报告", "返修后入库,追究 SMT 二线", "上海市嘉定区叶城路 1288 号", "四、审批记录",
        "总经理审批通过", "同意退货,生产部整改", "部门负责人签名",
    ):  # fmt: skip
        assert expected in text, expected


def test_given_a_case_when_printing_the_request_form_then_it_has_the_seed_s6_fields_and_steps(
    client, agent, consumer, return_warehouse
):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    client.force_login(agent)

    response = client.get(reverse("request_form_pdf", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")

    text = pdf_text(response.content)
    assert response.status_code == 200
    for expected in (
        "Return request form",
        case.number,
        "张伟",
        "Goods to return",
        "1,999.00",
        "Handling steps",
        "☑",
        "☐",
    ):
        assert expected in text, expected


def test_given_a_customer_when_asking_for_a_pdf_then_403(client, customer_user, agent, consumer):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    client.force_login(customer_user)

    assert client.get(reverse("petition_pdf", args=[case.pk])).status_code == 403
