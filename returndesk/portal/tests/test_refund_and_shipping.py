"""The refund as the customer follows it (issue 9 with asynchronous refunds): being paid → paid,
or could not be paid → sent again; the amount and what it is made of, the route, and when it
should arrive (refunds/promises.py, working days on China's calendar). And how the goods come
back: a pickup booked in the confirm form (window, address, carrier; checked by logistics), the
right warehouse's address and deadline for self-ship and drop-off, and the return label PDF.

The clock stands at Tuesday 2026-11-24 10:00 in Shanghai, so the promised dates are exact."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from returndesk.cases import services as cs
from returndesk.cases.models import Case
from returndesk.cases.services.refunding import case_refunds_reconcile
from returndesk.cases.tests.helpers import inspect_all
from returndesk.catalog.tests.factories import make_warehouse
from returndesk.logistics.models import ReturnRoute, ReturnShipment
from returndesk.refunds import simulated_gateway as gateway
from returndesk.refunds.models import Refund

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PAYEE = {"account_name": "张三", "bank": "招商银行上海分行", "account_number": "6225880212345678"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def east_china():
    return make_warehouse(
        code="EC", name="华东退货仓", return_address="上海市嘉定区安亭镇墨玉路 88 号", contact_name="王仓管",
        phone="021-5999 0000", is_default=True,
    )  # fmt: skip


@pytest.fixture
def case(consumer_user, shop_order):
    mouse = shop_order.lines.get(position=2)
    return cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type="return_refund", channel="web",
        lines=[{"order_line": mouse, "quantity": 1, "reason": "C01"}],
    )  # fmt: skip


def url(name, case):
    return reverse(f"portal:{name}", args=[case.id])


def page_of(client, case):
    response = client.get(url("case", case))
    assert response.status_code == 200
    return response.context["page"], response.content.decode()


def inspected(case, *, agent, customer, warehouse) -> Case:
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    cs.case_confirm_solution(case=case, actor=customer)
    cs.case_ship_back(case=case, actor=customer, carrier="SF", tracking_number="SF123456789012")
    cs.case_receive(case=case, actor=warehouse, received={str(case.lines.get().id): 1})
    inspect_all(case, inspector=warehouse)
    case.refresh_from_db()
    return case


# --- refunds ------------------------------------------------------------------------------------


def test_given_the_gateway_still_processing_when_the_customer_looks_then_the_refund_is_being_paid_with_its_dates(
    customer_client, case, agent, consumer_user, warehouse, finance, clock
):
    inspected(case, agent=agent, customer=consumer_user, warehouse=warehouse)
    gateway.gateway_script("pending")
    cs.case_refund(case=case, actor=finance)
    case.refresh_from_db()
    assert case.status == "refund_pending"

    page, html = page_of(customer_client, case)

    refund = page.refund
    assert (refund.state, refund.total, refund.route) == ("pending", D("99.00"), "原路退回(支付宝)")
    assert [(c.label, c.amount, c.sign) for c in refund.components] == [("商品", D("99.00"), "")]
    # Original route: 3 to 10 working days from Tuesday 24 November.
    assert (refund.earliest, refund.expected_by) == (date(2026, 11, 27), date(2026, 12, 8))
    assert page.next.text == "您的退款 99.00 元正在退回:原路退回(支付宝)。退款完成后我们会在这里告诉您。"
    assert (page.next.due_label, page.next.due_day) == ("预计到账日期", date(2026, 12, 8))
    assert page.steps[-1].title == "我们已发起退款:99.00 元,原路退回(支付宝)。"
    assert "2026-11-27 至 2026-12-08 之间" in html and "退款处理中" in html

    # The gateway finishes; the worker asks it and the case is refunded.
    clock.shift(timedelta(minutes=5))
    gateway.settle_due()
    case_refunds_reconcile()
    case.refresh_from_db()
    assert case.status == "refunded"
    page, html = page_of(customer_client, case)
    assert page.refund.state == "paid" and page.refund.paid_at is not None
    assert (
        page.next.text
        == "退款 99.00 元已支付:原路退回(支付宝)。视银行处理速度,可能需要几个工作日才会显示在您的账户中。"
    )
    assert page.next.due_day == date(2026, 12, 8)
    assert [s.title for s in page.steps[-2:]] == [
        "我们已发起退款:99.00 元,原路退回(支付宝)。",
        "已退款 99.00 元。",
    ]


def test_given_a_declined_refund_when_the_customer_looks_then_it_is_explained_without_internal_detail_and_a_retry_pays_it(
    customer_client, case, agent, consumer_user, warehouse, finance
):
    inspected(case, agent=agent, customer=consumer_user, warehouse=warehouse)
    gateway.gateway_script("fail")
    cs.case_refund(case=case, actor=finance)
    case.refresh_from_db()
    assert case.status == "refund_failed"

    page, html = page_of(customer_client, case)

    assert page.refund.state == "failed" and page.refund.expected_by is None
    assert page.next.text.startswith("我们未能将 99.00 元退款支付到您的账户。财务部门会重新退款")
    assert page.steps[-1].title == "退款未能支付到您的账户,我们会重新退款。"
    assert gateway.FAILURE_CODE not in html and "ACCOUNT_CLOSED" not in html
    assert Refund.objects.get(case=case).failure_reason == gateway.FAILURE_CODE  # kept for finance

    cs.case_refund(case=case, actor=finance, route="store_credit")
    case.refresh_from_db()
    page, _html = page_of(customer_client, case)
    assert (case.status, page.refund.state, page.refund.route) == ("refunded", "paid", "退至账户余额")
    assert page.next.text == "我们已将 99.00 元退至您的账户余额,可立即使用。"
    assert page.steps[-2].title == "我们已重新发起退款:99.00 元,退至账户余额。"


def test_given_a_bank_transfer_when_finance_has_not_paid_yet_then_one_to_three_working_days_are_promised(
    customer_client, case, agent, consumer_user, warehouse, finance
):
    inspected(case, agent=agent, customer=consumer_user, warehouse=warehouse)
    cs.case_refund(case=case, actor=finance, route="bank_transfer", **PAYEE)

    page, html = page_of(customer_client, case)

    assert (page.refund.state, page.refund.route) == ("pending", "银行转账")
    assert (page.refund.earliest, page.refund.expected_by) == (date(2026, 11, 25), date(2026, 11, 27))
    assert PAYEE["account_number"] not in html  # the payee's account is finance's business

    cs.case_refund_confirm_manual(refund=Refund.objects.get(case=case), actor=finance, reference="CMB001")
    case.refresh_from_db()
    page, _html = page_of(customer_client, case)
    assert (case.status, page.refund.state) == ("refunded", "paid")


def test_given_deductions_when_the_refund_is_shown_then_each_component_adds_up_to_the_total(
    customer_client, case, agent, consumer_user, warehouse, finance
):
    """A pickup the customer pays for is deducted (refund settings pickup_charge, 12.00)."""
    cs.case_approve(case=case, actor=agent, solution="pickup")
    cs.case_confirm_solution(case=case, actor=consumer_user, pickup_address="上海市徐汇区漕溪北路 1 号")
    cs.case_receive(case=case, actor=warehouse, received={str(case.lines.get().id): 1})
    inspect_all(case, inspector=warehouse)
    cs.case_refund(case=case, actor=finance)
    case.refresh_from_db()

    page, _html = page_of(customer_client, case)

    rows = [(c.label, c.amount, c.sign) for c in page.refund.components]
    assert rows == [("商品", D("99.00"), ""), ("由您承担的退回运费", D("12.00"), "-")]
    assert page.refund.total == D("87.00") == case.refund_amount


def test_given_someone_elses_refunded_case_when_opened_then_not_found(
    other_client, case, agent, consumer_user, warehouse, finance
):
    inspected(case, agent=agent, customer=consumer_user, warehouse=warehouse)
    cs.case_refund(case=case, actor=finance)
    assert other_client.get(url("case", case)).status_code == 404


# --- how the goods come back ----------------------------------------------------------------------


def confirm(client, case, **data):
    return client.post(
        reverse("portal:case_action", args=[case.id, "confirm_solution"]), {"version": case.version, **data}
    )


def test_given_a_pickup_offered_when_the_page_opens_then_it_asks_when_where_and_which_carrier(
    customer_client, case, agent
):
    cs.case_approve(case=case, actor=agent, solution="pickup")
    case.refresh_from_db()
    page, html = page_of(customer_client, case)
    assert ("SF", "顺丰速运") in page.carriers and "OTHER" not in dict(page.carriers)
    for name in ("pickup_window_start", "pickup_window_end", "pickup_address", "carrier"):
        assert f'name="{name}"' in html


def test_given_a_pickup_window_when_confirmed_then_the_pickup_is_requested_for_it_and_shown(
    customer_client, case, agent
):
    cs.case_approve(case=case, actor=agent, solution="pickup")
    case.refresh_from_db()

    response = confirm(
        customer_client, case, pickup_window_start="2026-11-25T09:00", pickup_window_end="2026-11-25T12:00",
        pickup_address="上海市徐汇区漕溪北路 1 号 2 楼", pickup_contact="张三", pickup_phone="13912345678", carrier="SF",
    )  # fmt: skip

    assert response.status_code == 302
    case.refresh_from_db()
    shipment = ReturnShipment.objects.get(case=case)
    shanghai = ZoneInfo("Asia/Shanghai")
    assert (case.status, shipment.method, shipment.state, shipment.carrier) == (
        "awaiting_return", "pickup", "pickup_requested", "SF",
    )  # fmt: skip
    assert (shipment.pickup_window_start, shipment.pickup_window_end) == (
        datetime(2026, 11, 25, 9, 0, tzinfo=shanghai), datetime(2026, 11, 25, 12, 0, tzinfo=shanghai),
    )  # fmt: skip
    assert (shipment.sender_address, shipment.sender_name, shipment.sender_phone) == (
        "上海市徐汇区漕溪北路 1 号 2 楼", "张三", "13912345678",
    )  # fmt: skip
    _page, html = page_of(customer_client, case)
    assert "2026-11-25 09:00–12:00" in html and "上海市徐汇区漕溪北路 1 号 2 楼" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"pickup_window_end": "2026-11-25T12:00", "pickup_address": "上海", "carrier": "SF"},
         "pickup_window_start", "这个字段是必填项。"),
        ({"pickup_window_start": "2026-11-23T09:00", "pickup_window_end": "2026-11-23T12:00",
          "pickup_address": "上海", "carrier": "SF"}, "pickup_window_start", "取件时间不能早于现在"),
        ({"pickup_window_start": "2026-11-25T06:00", "pickup_window_end": "2026-11-25T20:00",
          "pickup_address": "上海", "carrier": "SF"}, "pickup_window_start", "取件时间段不能超过 12 小时"),
        ({"pickup_window_start": "2026-11-25T09:00", "pickup_window_end": "2026-11-25T12:00",
          "pickup_address": "上海", "carrier": "OTHER"}, "carrier", None),
    ],
    ids=["no-start", "past", "too-long", "not-a-parcel-carrier"],
)  # fmt: skip
def test_given_a_bad_pickup_when_confirmed_then_the_field_says_why_and_nothing_changes(
    customer_client, case, agent, data, field, message
):
    cs.case_approve(case=case, actor=agent, solution="pickup")
    case.refresh_from_db()
    before = (case.status, case.version, case.events.count())

    response = confirm(customer_client, case, **data)

    assert response.status_code == 422
    errors = response.context["forms"]["confirm_solution"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == before
    assert not ReturnShipment.objects.filter(case=case).exists()


def test_given_a_route_for_the_customers_province_when_self_ship_is_confirmed_then_that_warehouse_and_the_deadline_show(
    customer_client, case, agent, consumer
):
    guangzhou = make_warehouse(code="GZ", name="广州分仓", return_address="广州市白云区太和镇永兴路 18 号")
    ReturnRoute.objects.create(priority=10, address_prefix="广东省", warehouse=guangzhou)
    consumer.address = "广东省广州市天河区体育西路 1 号"
    consumer.save(update_fields=["address"])
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    case.refresh_from_db()

    assert confirm(customer_client, case).status_code == 302

    case.refresh_from_db()
    page, html = page_of(customer_client, case)
    assert page.shipping.shipment.warehouse == guangzhou
    assert "广州市白云区太和镇永兴路 18 号" in html and "墨玉路" not in html
    assert page.shipping.deadline is not None
    assert timezone.localtime(page.shipping.deadline).strftime("%Y-%m-%d %H:%M") in html


def test_given_drop_off_when_confirmed_then_the_page_says_where_to_take_the_goods(
    customer_client, case, agent
):
    cs.case_approve(case=case, actor=agent, solution="drop_off")
    case.refresh_from_db()
    assert confirm(customer_client, case).status_code == 302
    _page, html = page_of(customer_client, case)
    assert "请将货品送至" in html and "上海市嘉定区安亭镇墨玉路 88 号" in html


# --- the return label ---------------------------------------------------------------------------


def test_given_a_confirmed_return_when_the_label_is_downloaded_then_its_owner_gets_the_pdf_and_nobody_else(
    customer_client, other_client, case, agent, consumer_user
):
    assert customer_client.get(url("case_return_label", case)).status_code == 404  # nothing confirmed yet
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    cs.case_confirm_solution(case=case, actor=consumer_user)

    response = customer_client.get(url("case_return_label", case))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="return-label-{case.number}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert other_client.get(url("case_return_label", case)).status_code == 404
    _page, html = page_of(customer_client, case)
    assert url("case_return_label", case) in html


def test_given_an_english_speaker_when_the_refund_is_being_paid_then_the_card_and_the_next_step_are_in_english(
    customer_client, case, agent, consumer_user, warehouse, finance
):
    inspected(case, agent=agent, customer=consumer_user, warehouse=warehouse)
    cs.case_refund(case=case, actor=finance, route="bank_transfer", **PAYEE)

    response = customer_client.get(url("case", case), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    page = response.context["page"]
    assert page.next.text == (
        "Your refund of 99.00 CNY is on its way: Bank transfer. We tell you here when it is paid."
    )
    assert page.refund.components[0].label == "Goods"
    assert "Being paid" in html and "between 2026-11-25 and 2026-11-27" in html
