"""The case page: what each role sees, the action forms built from the workflow declaration,
their errors (field errors, refusals in the active language, stale forms), messages versus
internal notes, attachments, and the staff's housekeeping forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from returndesk.cases.models import Attachment, Case, CaseEvent, Status
from returndesk.cases.services import case_add_note
from returndesk.cases.tests.helpers import state_of
from returndesk.cases.workflow import transition_for
from returndesk.desk.forms import ActionForm

from .conftest import add_photo, open_return, order_line, tiny_png, to_in_transit, to_inspected

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent, consumer):
    return open_return(actor=agent, customer=consumer, line=order_line(consumer))


def action_url(case, action):
    return reverse("case_action", args=[case.pk, action])


def post_action(client, case, action, data, **extra):
    payload = {f"{action}-{key}": value for key, value in data.items()}
    payload.setdefault(f"{action}-version", case.version)
    return client.post(action_url(case, action), payload, **extra)


# --- what is shown ---------------------------------------------------------------------------


def test_given_a_submitted_quality_claim_when_an_agent_opens_it_then_forms_come_from_the_declaration(
    client, agent, case
):
    client.force_login(agent)

    response = client.get(reverse("case_detail", args=[case.pk]))

    html = response.content.decode()
    forms = {entry["item"].action: entry for entry in response.context["action_forms"]}
    assert response.status_code == 200
    assert list(forms) == ["approve", "reject", "cancel"]
    assert forms["approve"]["item"].enabled is False  # the policy asks for a photo first
    assert "质量问题须先上传照片或视频" in html
    assert set(forms["reject"]["form"].fields) == {"version", "reason", "alternative"}
    assert f'name="reject-version" value="{case.version}"' in html
    assert 'id="act-reject"' in html


def test_given_staff_when_opening_the_case_then_messages_and_internal_notes_are_in_separate_sections(
    client, agent, customer_user, case
):
    case_add_note(case=case, actor=agent, text="内部:先核对序列号", internal=True)
    case_add_note(case=case, actor=agent, text="您好,已收到您的申请", internal=False)
    case_add_note(case=case, actor=customer_user, text="请尽快处理", internal=False)
    client.force_login(agent)

    response = client.get(reverse("case_detail", args=[case.pk]))

    page = response.context["page"]
    html = response.content.decode()
    assert [e.event.data["text"] for e in page.messages] == ["您好,已收到您的申请", "请尽快处理"]
    assert [e.event.data["text"] for e in page.internal_notes] == ["内部:先核对序列号"]
    assert [e.event.type for e in page.events] == ["created"]
    messages_at, internal_at = html.index('id="messages"'), html.index('id="internal-notes"')
    assert messages_at < html.index("请尽快处理") < internal_at < html.index("内部:先核对序列号")
    assert "仅员工可见" in html


def test_given_a_customer_when_opening_own_case_then_no_internal_notes_no_staff_forms(
    client, agent, customer_user, case
):
    case_add_note(case=case, actor=agent, text="内部:先核对序列号", internal=True)
    client.force_login(customer_user)

    response = client.get(reverse("case_detail", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "内部:先核对序列号" not in html
    assert 'id="internal-notes"' not in html
    assert "assign_form" not in response.context
    assert [entry["item"].action for entry in response.context["action_forms"]] == ["cancel"]
    assert reverse("petition_pdf", args=[case.pk]) not in html


def test_given_lines_when_opening_the_case_then_quantities_per_stage_are_shown(
    client, agent, warehouse, consumer
):
    line = order_line(consumer, quantity=3)
    case = open_return(actor=agent, customer=consumer, line=line, quantity=2)
    to_in_transit(case, agent=agent)
    client.force_login(warehouse)
    post_action(client, case, "receive", {f"received_{case.lines.get().id}": 1})

    response = client.get(reverse("case_detail", args=[case.pk]))

    (row,) = response.context["page"].line_rows
    assert (row.line.quantity, row.line.quantity_received, row.shipped, row.returned, row.returnable) == (
        2, 1, 3, 0, 1,
    )  # fmt: skip
    assert "短少" in response.content.decode()


# --- workflow actions ------------------------------------------------------------------------


def test_given_a_valid_reject_form_when_posted_then_the_case_is_rejected_and_the_page_follows(
    client, agent, case
):
    client.force_login(agent)

    response = post_action(client, case, "reject", {"reason": "超出退货期", "alternative": "可申请维修"})

    case.refresh_from_db()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("case_detail", args=[case.pk])
    assert case.status == Status.REJECTED
    assert (case.rejection_reason, case.rejection_alternative) == ("超出退货期", "可申请维修")
    assert list(case.events.values_list("type", flat=True)) == ["created", "reject"]


def test_given_htmx_when_an_action_succeeds_then_htmx_is_told_where_to_go(client, agent, case):
    client.force_login(agent)

    response = post_action(
        client, case, "reject", {"reason": "超出退货期", "alternative": "可申请维修"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == reverse("case_detail", args=[case.pk])


def test_given_missing_required_inputs_when_posted_then_field_errors_and_nothing_changes(client, agent, case):
    client.force_login(agent)
    before = state_of(case)

    response = post_action(client, case, "reject", {"reason": "", "alternative": ""})

    form = next(e["form"] for e in response.context["action_forms"] if e["item"].action == "reject")
    assert response.status_code == 422
    assert form.errors == {"reason": ["这个字段是必填项。"], "alternative": ["这个字段是必填项。"]}
    assert state_of(case) == before


def test_given_htmx_and_errors_when_posted_then_only_the_form_comes_back_with_the_errors(client, agent, case):
    client.force_login(agent)

    response = post_action(client, case, "reject", {"reason": "", "alternative": "x"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith("<details")
    assert 'aria-invalid="true"' in html
    assert "<html" not in html


def test_given_an_invalid_tracking_number_when_shipping_then_the_carrier_rule_is_shown_on_the_field(
    client, agent, case
):
    add_photo(case, agent)
    client.force_login(agent)
    post_action(client, case, "approve", {"solution": "self_ship"})
    case.refresh_from_db()
    post_action(client, case, "confirm_solution", {})
    case.refresh_from_db()
    before = state_of(case)

    response = post_action(
        client, case, "ship_back", {"carrier": "SF", "tracking_number": "12345"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    form = next(e["form"] for e in response.context["action_forms"] if e["item"].action == "ship_back")
    assert response.status_code == 422
    assert form.errors["tracking_number"] == [
        "Tracking number '12345' is not a valid SF Express number (e.g. SF1234567890123)"
    ]
    assert state_of(case) == before


def test_given_a_stale_form_when_posted_then_conflict_and_nothing_changes(client, agent, agent2, case):
    client.force_login(agent)
    stale_version = case.version
    case_add_note(case=case, actor=agent2, text="加急", internal=True)  # notes do not bump the version
    from returndesk.cases.services import case_set_priority

    case_set_priority(case=case, actor=agent2, priority="high")  # someone else changed the case
    before = state_of(case)

    response = post_action(
        client, case, "reject", {"reason": "超出退货期", "alternative": "维修", "version": stale_version}
    )

    assert response.status_code == 409
    assert f"工单 {case.number} 已被他人修改,请刷新后重试" in response.content.decode()
    assert state_of(case) == before


def test_given_a_role_without_the_action_when_posting_it_then_403_in_english_and_nothing_changes(
    client, warehouse, case
):
    client.force_login(warehouse)
    before = state_of(case)

    response = post_action(
        client, case, "reject", {"reason": "x", "alternative": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 403
    assert "Your role may not take this action" in response.content.decode()
    assert state_of(case) == before


def test_given_a_guard_that_fails_when_approving_then_the_reason_is_shown_in_chinese(client, agent, case):
    client.force_login(agent)
    before = state_of(case)

    response = post_action(client, case, "approve", {"solution": "self_ship"})

    assert response.status_code == 422
    assert "质量问题须先上传照片或视频,或由客服注明理由后免除" in response.content.decode()
    assert state_of(case) == before


def test_given_an_unknown_action_when_posted_then_404(client, agent, case):
    client.force_login(agent)

    response = client.post(action_url(case, "teleport"), {"teleport-version": case.version})

    assert response.status_code == 404


def test_given_over_receipt_when_warehouse_posts_then_the_line_field_carries_the_error(
    client, agent, warehouse, consumer
):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer, quantity=3), quantity=2)
    to_in_transit(case, agent=agent)
    case.refresh_from_db()
    line = case.lines.get()
    client.force_login(warehouse)
    before = state_of(case)

    response = post_action(client, case, "receive", {f"received_{line.id}": 3})

    form = next(e["form"] for e in response.context["action_forms"] if e["item"].action == "receive")
    assert response.status_code == 422
    assert form.errors[f"received_{line.id}"] == ["第 1 行:实收 3 多于申请 2,多出的货品请登记为多收(extras)"]
    assert state_of(case) == before


def test_given_the_receive_form_then_one_number_field_per_line_bounded_by_the_request(agent, consumer):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer, quantity=3), quantity=2)
    line = case.lines.get()

    form = ActionForm(transition=transition_for(case.type, "receive"), case=case, lines=[line])

    field = form.fields[f"received_{line.id}"]
    extras = [
        f"extra{i}_{k}"
        for i in (1, 2)
        for k in ("kind", "line", "sku", "description", "quantity", "serial_numbers")
    ]
    assert [name for name in form.fields] == [
        "version", f"received_{line.id}", f"serial_numbers_{line.id}", *extras, "warehouse", "note",
    ]  # fmt: skip
    assert (field.min_value, field.widget.attrs["max"], field.widget.attrs["inputmode"]) == (0, 2, "numeric")


def test_given_the_cause_form_when_qc_posts_it_then_the_cause_is_recorded(
    client, agent, warehouse, qc, consumer
):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    to_inspected(case, agent=agent, warehouse=warehouse)
    case.refresh_from_db()
    client.force_login(qc)

    response = post_action(
        client, case, "confirm_cause",
        {"is_our_product": "true", "stage": "material", "responsible_department": "采购部",
         "responsible_person": "李工", "handling": "供应商索赔", "description": "电池批次不良"},
    )  # fmt: skip

    case.refresh_from_db()
    assert response.status_code == 302
    assert case.status == Status.CAUSE_CONFIRMED
    assert (case.cause.is_our_product, case.cause.stage, case.cause.responsible_department) == (
        True,
        "material",
        "采购部",
    )


def test_given_a_cause_form_without_a_yes_no_answer_then_the_radio_field_is_required(
    client, agent, warehouse, qc, consumer
):
    case = open_return(actor=agent, customer=consumer, line=order_line(consumer))
    to_inspected(case, agent=agent, warehouse=warehouse)
    case.refresh_from_db()
    client.force_login(qc)
    before = state_of(case)

    response = post_action(
        client, case, "confirm_cause", {"stage": "bogus", "responsible_department": "x", "handling": "y"}
    )

    form = next(e["form"] for e in response.context["action_forms"] if e["item"].action == "confirm_cause")
    assert response.status_code == 422
    assert set(form.errors) == {"is_our_product", "stage"}
    assert state_of(case) == before


# --- messages, notes, attachments ------------------------------------------------------------


def test_given_staff_when_posting_a_message_and_an_internal_note_then_each_lands_where_it_belongs(
    client, agent, case
):
    client.force_login(agent)

    message = client.post(reverse("case_message", args=[case.pk]), {"message-text": "您好,请上传照片"})
    note = client.post(reverse("case_internal_note", args=[case.pk]), {"note-text": "疑似人为损坏"})

    notes = list(case.events.filter(type="note").values_list("data__text", "internal"))
    assert (message.status_code, note.status_code) == (302, 302)
    assert notes == [("您好,请上传照片", False), ("疑似人为损坏", True)]


def test_given_a_customer_when_posting_an_internal_note_then_403_and_nothing_written(
    client, customer_user, case
):
    client.force_login(customer_user)
    events = CaseEvent.objects.count()

    response = client.post(reverse("case_internal_note", args=[case.pk]), {"note-text": "偷看"})

    assert response.status_code == 403
    assert CaseEvent.objects.count() == events


def test_given_an_empty_message_when_posted_then_the_field_says_so(client, agent, case):
    client.force_login(agent)
    events = CaseEvent.objects.count()

    response = client.post(
        reverse("case_message", args=[case.pk]), {"message-text": "  "}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert "这个字段是必填项。" in response.content.decode()
    assert CaseEvent.objects.count() == events


def test_given_reply_templates_when_staff_opens_a_case_then_texts_come_with_the_case_filled_in(
    client, agent, case, return_warehouse
):
    client.force_login(agent)

    response = client.get(reverse("case_detail", args=[case.pk]))

    texts = {r["title"]: r["text"] for r in response.context["replies"]}
    html = response.content.decode()
    assert len(texts) == 8
    assert texts["问候致歉"].startswith("尊敬的张伟,您好!非常抱歉给您带来了不愉快的购物体验。")
    assert texts["工单进度通知"] == (
        f"您好,您的售后工单 {case.number} 目前的状态是「待审核」。我们会持续跟进,如有任何疑问请随时联系我们。"
    )
    assert 'data-insert-into="id_message-text"' in html


def test_given_an_image_when_uploaded_then_it_is_attached_and_served_inline(client, agent, case):
    client.force_login(agent)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("case_upload", args=[case.pk]), {"file": SimpleUploadedFile("破损.png", tiny_png())}
    )
    attachment = case.attachments.get()
    served = client.get(reverse("attachment_file", args=[case.pk, attachment.pk]))

    assert response.status_code == 302
    assert (attachment.kind, attachment.original_name) == ("image", "破损.png")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("inline")
    assert b"".join(served.streaming_content) == tiny_png()
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert f'<img src="{reverse("attachment_file", args=[case.pk, attachment.pk])}"' in page


def test_given_a_video_when_attached_then_the_page_plays_it(client, agent, case):
    from returndesk.cases.services import attachment_add

    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    attachment = attachment_add(case=case, actor=agent, content=mp4, original_name="开机视频.mp4")
    client.force_login(agent)

    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    served = client.get(reverse("attachment_file", args=[case.pk, attachment.pk]))

    assert (
        f'<video controls preload="metadata" src="{reverse("attachment_file", args=[case.pk, attachment.pk])}"'
        in page
    )
    assert served["Content-Type"] == "video/mp4"


def test_given_a_text_file_when_uploaded_then_refused_in_the_form_and_nothing_stored(client, agent, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent)

    response = client.post(
        reverse("case_upload", args=[case.pk]), {"file": SimpleUploadedFile("x.txt", b"hello world")}
    )

    assert response.status_code == 422
    assert "不支持的文件类型" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_given_someone_elses_case_when_a_customer_asks_for_its_file_then_404(
    client, agent, case, other_consumer
):
    from returndesk.accounts.roles import Role

    from .conftest import make_user

    attachment = add_photo(case, agent)
    stranger = make_user("stranger", Role.CUSTOMER, customer=other_consumer)
    client.force_login(stranger)

    response = client.get(reverse("attachment_file", args=[case.pk, attachment.pk]))

    assert response.status_code == 404


# --- housekeeping ------------------------------------------------------------------------------


def test_given_a_supervisor_when_assigning_and_raising_priority_then_both_are_saved(
    client, supervisor, agent2, case
):
    client.force_login(supervisor)

    assign = client.post(
        reverse("case_assign", args=[case.pk]), {"version": case.version, "assignee": agent2.pk}
    )
    case.refresh_from_db()
    priority = client.post(
        reverse("case_priority", args=[case.pk]),
        {"version": case.version, "priority": "urgent", "reason": "投诉"},
    )

    case.refresh_from_db()
    assert (assign.status_code, priority.status_code) == (302, 302)
    assert (case.assignee, case.priority) == (agent2, "urgent")


def test_given_a_stale_assign_form_when_posted_then_409_and_the_assignee_is_unchanged(
    client, supervisor, agent2, case
):
    client.force_login(supervisor)

    response = client.post(
        reverse("case_assign", args=[case.pk]), {"version": case.version - 1 or 99, "assignee": agent2.pk}
    )

    case.refresh_from_db()
    assert response.status_code == 409
    assert case.assignee is None


def test_given_an_agent_when_waiving_the_evidence_with_a_reason_then_approve_opens(client, agent, case):
    client.force_login(agent)

    empty = client.post(
        reverse("case_waive", args=[case.pk]), {"waive-version": case.version, "waive-reason": ""}
    )
    done = client.post(
        reverse("case_waive", args=[case.pk]),
        {"waive-version": case.version, "waive-reason": "客户电话描述清楚"},
    )

    page = client.get(reverse("case_detail", args=[case.pk]))
    approve = next(e["item"] for e in page.context["action_forms"] if e["item"].action == "approve")
    assert (empty.status_code, done.status_code) == (422, 302)
    assert approve.enabled is True
    assert Case.objects.get(pk=case.pk).evidence_waiver == "客户电话描述清楚"
