"""Following a case (issue 9): the timeline in plain words with what happens next and by when,
confirming or declining the solution within its deadline, the return shipment with a carrier and
a validated tracking number, cancelling while allowed, appealing a rejection, messages both ways
(internal notes never shown), and files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returndesk.cases import services as cs
from returndesk.cases.models import Case, CaseEvent
from returndesk.cases.tests.helpers import inspect_all
from returndesk.catalog.tests.factories import make_warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(consumer_user, shop_order):
    laptop = shop_order.lines.order_by("position").first()
    return cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type="return_refund", channel="web",
        lines=[{"order_line": laptop, "quantity": 1, "reason": "C01"}], description="不喜欢颜色",
    )  # fmt: skip


def url(name, case, *args):
    return reverse(f"portal:{name}", args=[case.id, *args])


def act(client, case, action, **data):
    return client.post(url("case_action", case, action), {"version": case.version, **data})


def events(case):
    return list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("type", flat=True))


def test_given_a_new_case_when_opened_then_it_says_we_review_it_and_by_when(customer_client, case):
    response = customer_client.get(url("case", case))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.next.text == "我们正在审核您的申请。"
    assert page.next.due_at is not None  # the first-response target or the review timeout
    assert [s.title for s in page.steps] == ["您提交了申请。"]
    assert page.actions.keys() == {"cancel"}


def test_given_an_offered_solution_when_confirmed_then_the_case_awaits_the_return(
    customer_client, case, agent
):
    make_warehouse(name="华东退货仓", return_address="上海市嘉定区安亭镇墨玉路 88 号", is_default=True)
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    case.refresh_from_db()
    page = customer_client.get(url("case", case)).context["page"]
    assert page.next.yours and page.next.due_at is not None  # confirm by (sla confirm_timeout)
    assert {"confirm_solution", "decline_solution", "cancel"} <= page.actions.keys()

    response = act(customer_client, case, "confirm_solution")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_return"
    page = customer_client.get(url("case", case)).context["page"]
    assert page.shipping.shipment.ship_to_address == "上海市嘉定区安亭镇墨玉路 88 号"
    assert page.shipping.deadline is not None  # send by (sla ship_timeout)
    assert "ship_back" in page.actions


def test_given_an_offered_solution_when_declined_with_a_reason_then_it_goes_back_to_review(
    customer_client, case, agent
):
    cs.case_approve(case=case, actor=agent, solution="pickup")
    case.refresh_from_db()
    assert act(customer_client, case, "decline_solution", reason="希望自己寄回").status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.events.last().data == {"reason": "希望自己寄回"}


def test_given_a_decline_without_reason_when_sent_then_it_is_refused_and_nothing_changes(
    customer_client, case, agent
):
    cs.case_approve(case=case, actor=agent, solution="pickup")
    case.refresh_from_db()
    before = events(case)
    response = act(customer_client, case, "decline_solution", reason="")
    assert response.status_code == 422
    case.refresh_from_db()
    assert (case.status, events(case)) == ("awaiting_customer", before)


def awaiting_return(case, agent, actor):
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    cs.case_confirm_solution(case=case, actor=actor)
    case.refresh_from_db()
    return case


def test_given_the_goods_sent_when_a_valid_tracking_number_is_entered_then_the_return_is_in_transit(
    customer_client, case, agent, consumer_user
):
    awaiting_return(case, agent, consumer_user)
    response = act(customer_client, case, "ship_back", carrier="SF", tracking_number="sf 1234 5678 9012")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.return_carrier, case.return_tracking_number) == (
        "in_transit",
        "SF",
        "SF123456789012",
    )
    page = customer_client.get(url("case", case)).context["page"]
    assert page.steps[-1].title == "已填写退货物流:顺丰速运 SF123456789012。"


def test_given_a_tracking_number_of_the_wrong_shape_when_entered_then_the_field_says_so_and_nothing_changes(
    customer_client, case, agent, consumer_user
):
    awaiting_return(case, agent, consumer_user)
    before = events(case)
    response = act(customer_client, case, "ship_back", carrier="SF", tracking_number="12345")
    assert response.status_code == 422
    assert response.context["forms"]["ship_back"].errors["tracking_number"] == [
        "运单号「12345」不符合顺丰速运的格式(例如 SF1234567890123)"
    ]
    case.refresh_from_db()
    assert (case.status, case.return_tracking_number, events(case)) == ("awaiting_return", "", before)


def test_given_a_page_shown_before_a_change_when_acting_then_it_is_a_conflict(customer_client, case, agent):
    stale = case.version  # the page was shown before the approval
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    case.refresh_from_db()
    response = customer_client.post(
        url("case_action", case, "cancel"), {"version": stale, "reason": "不要了"}
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == "awaiting_customer"


def test_given_a_submitted_case_when_cancelled_then_it_is_cancelled_and_the_quantity_freed(
    customer_client, case
):
    line = case.lines.get().order_line
    assert act(customer_client, case, "cancel", reason="买错了").status_code == 302
    case.refresh_from_db()
    line.refresh_from_db()
    assert (case.status, line.quantity_held) == ("cancelled", 0)


def test_given_goods_received_when_cancelling_then_it_is_not_offered_and_refused(
    customer_client, case, agent, consumer_user, warehouse
):
    awaiting_return(case, agent, consumer_user)
    cs.case_receive(case=case, actor=warehouse, received={str(case.lines.get().id): 1})
    case.refresh_from_db()
    assert "cancel" not in customer_client.get(url("case", case)).context["page"].actions
    response = act(customer_client, case, "cancel", reason="x")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == "received"


def test_given_a_rejection_when_appealed_then_the_supervisor_has_it(customer_client, case, agent):
    cs.case_reject(case=case, actor=agent, reason="商品已使用", alternative="可为您安排有偿维修")
    case.refresh_from_db()
    html = customer_client.get(url("case", case)).content.decode()
    assert "商品已使用" in html and "可为您安排有偿维修" in html
    assert act(customer_client, case, "appeal", reason="只是拆封试用").status_code == 302
    case.refresh_from_db()
    assert case.status == "appealed"


def test_given_messages_both_ways_when_viewing_then_internal_notes_are_never_shown(
    customer_client, case, agent
):
    response = customer_client.post(url("case_message", case), {"text": "请问多久能处理?"})
    assert response.status_code == 302
    cs.case_add_note(case=case, actor=agent, text="您好,今天内处理。", internal=False)
    cs.case_add_note(case=case, actor=agent, text="内部:客户为老客户", internal=True)

    page = customer_client.get(url("case", case))

    html = page.content.decode()
    assert "请问多久能处理?" in html and "您好,今天内处理。" in html
    assert "内部:客户为老客户" not in html
    kinds = [(s.kind, s.by_customer) for s in page.context["page"].steps]
    assert kinds == [("step", True), ("message", True), ("message", False)]
    note = CaseEvent.objects.get(case=case, type="note", actor__role="customer")
    assert note.internal is False


def test_given_an_empty_message_when_sent_then_it_is_refused_and_nothing_written(customer_client, case):
    before = events(case)
    assert customer_client.post(url("case_message", case), {"text": "  "}).status_code == 422
    assert events(case) == before


def test_given_a_photo_when_added_then_it_is_listed_and_downloadable_by_its_owner_only(
    customer_client, other_client, case, png
):
    response = customer_client.post(url("case_files", case), {"files": [SimpleUploadedFile("x.png", png)]})
    assert response.status_code == 302
    attachment = case.attachments.get()
    download = customer_client.get(url("case_file", case, attachment.id))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == png
    assert other_client.get(url("case_file", case, attachment.id)).status_code == 404


def test_given_no_file_when_uploading_then_it_asks_for_one(customer_client, case):
    response = customer_client.post(url("case_files", case), {})
    assert response.status_code == 422
    assert case.attachments.count() == 0


def test_given_an_unknown_action_when_posted_then_not_found(customer_client, case):
    assert (
        customer_client.post(url("case_action", case, "refund"), {"version": case.version}).status_code == 404
    )
    case.refresh_from_db()
    assert case.status == "submitted"


def test_given_a_refund_when_viewing_then_the_amount_and_the_route_are_said_plainly(
    customer_client, case, agent, consumer_user, warehouse, finance
):
    awaiting_return(case, agent, consumer_user)
    cs.case_ship_back(case=case, actor=consumer_user, carrier="SF", tracking_number="SF123456789012")
    cs.case_receive(case=case, actor=warehouse, received={str(case.lines.get().id): 1})
    inspect_all(case, inspector=warehouse)
    case.refresh_from_db()
    page = customer_client.get(url("case", case)).context["page"]
    assert page.next.text == "我们正在为您办理退款。" and page.next.due_at is not None  # art. 25: 7 days
    cs.case_refund(case=case, actor=finance, reference="CN-1")
    case.refresh_from_db()
    page = customer_client.get(url("case", case)).context["page"]
    assert "4999.00" in page.next.text
    assert page.steps[-1].title == "已退款 4999.00 元。"
    assert Case.objects.get().refund_amount == case.refund_amount
