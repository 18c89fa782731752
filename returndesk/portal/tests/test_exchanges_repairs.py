"""The portal after the goods are inspected, for exchanges and repairs (issue #5): what happens
next in plain words in each of their statuses (replacement reserved with a difference to pay or
a credit, difference paid, quote pending, ready for repair, quote declined, sent back
unrepaired), the quote shown with its items, and the customer accepting or declining it from
the case page on the version the page showed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from returndesk.cases import services as cs
from returndesk.cases.models import Case, CaseEvent
from returndesk.cases.tests.helpers import (
    approve_and_ship,
    confirm_cause,
    in_stock,
    receive_and_inspect,
)
from returndesk.catalog.tests.factories import make_product
from returndesk.inventory.services import stock_move
from returndesk.repairs.models import QuoteState, Repair

pytestmark = pytest.mark.django_db


def _inspected(case_type: str, *, consumer_user, shop_order, agent, warehouse, qc) -> Case:
    laptop = shop_order.lines.order_by("position").first()
    case = cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type=case_type, channel="web",
        lines=[{"order_line": laptop, "quantity": 1, "reason": "Q02"}], description="屏幕有亮线",
    )  # fmt: skip
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    return case


@pytest.fixture
def quoted(consumer_user, shop_order, agent, warehouse, qc):
    """A repair the customer damaged (user damage): quoted 260.00 screen + 80.00 labour."""
    case = _inspected("repair", consumer_user=consumer_user, shop_order=shop_order, agent=agent,
                      warehouse=warehouse, qc=qc)  # fmt: skip
    cs.case_quote_repair(
        case=case, actor=qc, diagnosis="屏幕受外力挤压碎裂", exclusion="user_damage",
        parts=[{"name": "液晶屏总成", "quantity": 1, "unit_price": "260.00"}], labour="80.00",
    )  # fmt: skip
    case.refresh_from_db()
    return case


def page_of(client, case):
    return client.get(reverse("portal:case", args=[case.id])).context["page"]


def act(client, case, action, **data):
    return client.post(
        reverse("portal:case_action", args=[case.id, action]), {"version": case.version, **data}
    )


def _case_state(case: Case):
    case.refresh_from_db()
    repair = Repair.objects.get(case=case)
    return case.status, case.version, repair.quote_state, CaseEvent.objects.filter(case=case).count()


def test_given_a_pending_quote_when_the_customer_opens_the_case_then_the_quote_and_both_answers_are_offered(
    customer_client, quoted
):
    page = page_of(customer_client, quoted)

    assert page.next.yours is True
    assert page.next.due_at is None  # no deadline rule covers the quote decision
    assert "340.00" in page.next.text and "报价" in page.next.text
    assert page.quote.quote_total == Decimal("340.00")
    assert [(i.description, i.amount) for i in page.quote_items] == [
        ("液晶屏总成", Decimal("260.00")),
        ("维修工时 / Labour", Decimal("80.00")),
    ]
    assert {"accept_quote", "decline_quote"} <= page.actions.keys()
    assert page.steps[-1].title == "我们检测了商品,维修报价为 340.00 元。"
    html = customer_client.get(reverse("portal:case", args=[quoted.id])).content.decode()
    assert 'id="quote"' in html and "液晶屏总成" in html


def test_given_a_pending_quote_when_the_customer_accepts_it_then_the_repair_is_ready_and_says_so(
    customer_client, quoted
):
    response = act(customer_client, quoted, "accept_quote", note="同意,请尽快修")

    assert response.status_code == 302
    quoted.refresh_from_db()
    assert quoted.status == "ready_for_repair"
    assert Repair.objects.get(case=quoted).quote_state == QuoteState.ACCEPTED
    page = page_of(customer_client, quoted)
    assert page.next.text == "您的商品正在等待维修技术员处理,维修即将开始。"
    assert page.next.yours is False
    assert page.quote is None and "accept_quote" not in page.actions
    assert page.steps[-1].title == "您接受了维修报价。"


def test_given_a_pending_quote_when_the_customer_declines_with_a_reason_then_it_comes_back_unrepaired(
    customer_client, quoted, warehouse
):
    assert act(customer_client, quoted, "decline_quote", reason="太贵了").status_code == 302

    quoted.refresh_from_db()
    assert quoted.status == "quote_declined"
    assert Repair.objects.get(case=quoted).quote_state == QuoteState.DECLINED
    page = page_of(customer_client, quoted)
    assert page.next.text == "您拒绝了维修报价,我们会将商品原样寄回给您。"
    assert (page.steps[-1].title, page.steps[-1].details) == ("您拒绝了维修报价。", [("原因", "太贵了")])

    cs.case_return_unrepaired(case=quoted, actor=warehouse, carrier="SF", tracking_number="SF1234567890123")
    page = page_of(customer_client, quoted)
    assert page.next.text == "您的商品未经维修,正在寄回给您:顺丰速运 SF1234567890123。"
    assert page.steps[-1].title == "我们已将商品原样寄回:顺丰速运 SF1234567890123。"


def test_given_a_decline_without_a_reason_when_posted_then_refused_and_nothing_changed(
    customer_client, quoted
):
    before = _case_state(quoted)

    response = act(customer_client, quoted, "decline_quote", reason="")

    assert response.status_code == 422
    assert _case_state(quoted) == before


def test_given_a_stale_page_when_the_quote_is_accepted_then_refused_as_a_conflict_and_nothing_changed(
    customer_client, quoted
):
    stale = quoted.version - 1
    before = _case_state(quoted)

    response = customer_client.post(
        reverse("portal:case_action", args=[quoted.id, "accept_quote"]), {"version": stale}
    )

    assert response.status_code == 409
    assert _case_state(quoted) == before


def test_given_someone_elses_quote_when_accepted_then_not_found_and_nothing_changed(other_client, quoted):
    before = _case_state(quoted)

    response = act(other_client, quoted, "accept_quote")

    assert response.status_code == 404
    assert _case_state(quoted) == before


def test_given_a_dearer_replacement_when_reserved_then_the_customer_is_asked_to_pay_and_then_told_it_ships(
    customer_client, consumer_user, shop_order, agent, warehouse, qc, finance
):
    case = _inspected("exchange", consumer_user=consumer_user, shop_order=shop_order, agent=agent,
                      warehouse=warehouse, qc=qc)  # fmt: skip
    line = case.lines.select_related("order_line__product").get()
    in_stock(line.order_line)
    better = make_product(category=line.order_line.product.category, name="轻薄笔记本 14 Pro")
    stock_move(
        product=better, warehouse=line.order_line.product.stocklevel_set.get(condition="sellable").warehouse, quantity=1,
        target="sellable", kind="opening",
    )  # fmt: skip
    cs.case_arrange_exchange(
        case=case,
        actor=agent,
        replacements=[{"line": str(line.id), "product": better.sku, "unit_price": "5299.00"}],
    )

    page = page_of(customer_client, case)
    request = case.exchanges.get().payment_requests.get()
    assert page.next.yours is True
    assert page.next.text == (
        f"您的换货商品已预留。请支付差价 300.00 元(付款单 {request.number}),我们确认收款后立即发货。"
    )
    assert ("需补差价", "300.00 元") in page.steps[-1].details

    cs.case_confirm_payment(case=case, actor=finance, payment_reference="BT-0001")
    page = page_of(customer_client, case)
    assert (page.next.text, page.next.yours) == ("我们已收到差价,换货商品即将发出。", False)
    assert page.steps[-1].title == "我们已收到您支付的差价。"


def test_given_a_cheaper_replacement_when_reserved_then_the_customer_is_told_it_ships_and_the_credit(
    customer_client, consumer_user, shop_order, agent, warehouse, qc
):
    case = _inspected("exchange", consumer_user=consumer_user, shop_order=shop_order, agent=agent,
                      warehouse=warehouse, qc=qc)  # fmt: skip
    line = case.lines.select_related("order_line__product").get()
    in_stock(line.order_line)
    cheaper = make_product(category=line.order_line.product.category, name="轻薄笔记本 14 青春版")
    stock_move(
        product=cheaper, warehouse=line.order_line.product.stocklevel_set.get(condition="sellable").warehouse, quantity=1,
        target="sellable", kind="opening",
    )  # fmt: skip
    cs.case_arrange_exchange(
        case=case,
        actor=agent,
        replacements=[{"line": str(line.id), "product": cheaper.sku, "unit_price": "4599.00"}],
    )

    page = page_of(customer_client, case)
    assert page.next.text == "您的换货商品已预留,即将发出。差价 400.00 元我们将退还给您。"
    assert page.next.yours is False
