"""Cases over the API: a whole consumer return through HTTP, ETag / If-Match, refusals that
change nothing, idempotent actions, attachments, notes and the timeline, eligibility."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from returndesk.accounts.roles import Role
from returndesk.api.models import IdempotencyRecord
from returndesk.cases.models import Attachment, Case, CaseEvent
from returndesk.cases.tests.helpers import state_of, tiny_png
from returndesk.catalog.tests.factories import make_customer
from returndesk.refunds.models import CreditNote

from .cases_helpers import Staff, load_reasons, open_case, order_line, png_upload, upload
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    load_reasons()
    return Staff()


@pytest.fixture
def consumer(db):
    return make_customer(code="ZS", name="张三")


@pytest.fixture
def consumer_user(consumer):
    return make_user(Role.CUSTOMER, customer=consumer, username="zhangsan")


@pytest.fixture
def consumer_api(consumer_user):
    return api_as(consumer_user)


@pytest.fixture
def line(consumer):
    return order_line(
        consumer, quantity=5, unit_price="100.00", serial_numbers=["SN1", "SN2", "SN3", "SN4", "SN5"]
    )


@pytest.fixture
def case(staff, consumer, line):
    """A quality claim (Q01) for 2 units, opened by an agent: version 1, submitted."""
    return open_case(staff.user(Role.AGENT), consumer, line, quantity=2)


def act(api, case_id, action: str, body: dict | None = None, **headers):
    return api.post(f"/cases/{case_id}/actions/{action}", body or {}, **headers)


def trail(case_id) -> list[tuple[str, str, str]]:
    return list(
        CaseEvent.objects.filter(case_id=case_id)
        .order_by("sequence")
        .values_list("type", "from_status", "to_status")
    )


# --- the whole lifecycle --------------------------------------------------------------------


def test_given_a_consumer_return_when_every_step_is_taken_over_http_then_it_ends_refunded_and_closed(
    staff, consumer_api, line
):
    # create: the customer opens its own case (the customer code may be left out)
    created = consumer_api.post(
        "/cases",
        {"type": "return_refund", "lines": [{"order_line": str(line.pk), "quantity": 2, "reason": "Q01"}]},
    )
    assert created.status_code == 201
    body = created.json()
    case_id = body["id"]
    assert (created["ETag"], created["Location"]) == ('"1"', f"/api/v1/cases/{case_id}")
    assert (body["status"], body["channel"], body["version"], body["claimed_amount"]) == (
        "submitted",
        "api",
        1,
        "200.00",
    )
    (line_out,) = body["lines"]
    assert (
        line_out["quantity_requested"],
        line_out["quantity_received"],
        line_out["hold_state"],
        line_out["claimed_amount"],
        line_out["refund_amount"],
    ) == (2, None, "held", "200.00", None)
    assert [a["action"] for a in body["actions"]] == ["cancel"]  # all a customer may do now
    assert body["staff"] is None

    # evidence: a quality claim needs a photo before approval (policy rule evidence.required)
    agent = staff.api(Role.AGENT)
    before = agent.get(f"/cases/{case_id}").json()
    approve = next(a for a in before["actions"] if a["action"] == "approve")
    assert approve["enabled"] is False
    assert approve["disabled_reason"]["en"].startswith("Quality claims need a photo or video")
    assert upload(consumer_api, case_id, png_upload()).status_code == 201

    # each step by the role the workflow names, sending the ETag it last saw
    steps = [
        (agent, "approve", {"solution": "self_ship", "note": "请自行寄回"}, "awaiting_customer"),
        (consumer_api, "confirm_solution", {}, "awaiting_return"),
        (consumer_api, "ship_back", {"carrier": "SF", "tracking_number": "SF1234567890123"}, "in_transit"),
        (
            staff.api(Role.WAREHOUSE),
            "receive",
            {"received": {line_out["id"]: 2}, "serial_numbers": {line_out["id"]: ["SN1", "SN2"]}},
            "received",
        ),
        (
            staff.api(Role.WAREHOUSE),
            "inspect",
            lambda: {"units": inspect_all_body(staff, case_id)},
            "goods_inspected",
        ),
        (
            staff.api(Role.QC),
            "confirm_cause",
            {
                "is_our_product": True,
                "stage": "production",
                "responsible_department": "生产部",
                "handling": "返修后入库",
            },
            "cause_confirmed",
        ),
        # 退款中 once finance starts it; the gateway answers at once, so the answer is refunded
        (staff.api(Role.FINANCE), "refund", {"reference": "JV-2026-0001"}, "refunded"),
        (agent, "close", {}, "closed"),
    ]
    etags = []
    etag = '"1"'
    for client, action, inputs, status in steps:
        inputs = inputs() if callable(inputs) else inputs
        response = act(client, case_id, action, inputs, **{"If-Match": etag})
        assert (action, response.status_code, response.json()["status"]) == (action, 200, status)
        etag = response["ETag"]
        etags.append(etag)

    assert etags == ['"2"', '"3"', '"4"', '"5"', '"6"', '"7"', '"9"', '"10"']  # refund: 8 started, 9 paid
    final = agent.get(f"/cases/{case_id}")
    body = final.json()
    assert final["ETag"] == '"10"'
    assert (body["refund_amount"], body["refund_reference"], body["return_tracking_number"]) == (
        "200.00",
        CreditNote.objects.get(case_id=case_id).number,
        "SF1234567890123",
    )
    assert body["staff"]["cause"]["responsible_department"] == "生产部"
    (line_out,) = body["lines"]
    assert (
        line_out["quantity_received"],
        line_out["quantity_accepted"],
        line_out["hold_state"],
        line_out["refund_amount"],
    ) == (2, 2, "returned", "200.00")
    assert [a["action"] for a in body["actions"]] == []  # reopen is a supervisor's, and not after a refund

    timeline = consumer_api.get(f"/cases/{case_id}/timeline").json()["items"]
    assert [(e["sequence"], e["type"], e["from_status"], e["to_status"]) for e in timeline] == [
        (1, "created", "", "submitted"),
        (2, "attachment_added", "", ""),
        (3, "approve", "submitted", "awaiting_customer"),
        (4, "confirm_solution", "awaiting_customer", "awaiting_return"),
        (5, "ship_back", "awaiting_return", "in_transit"),
        (6, "receive", "in_transit", "received"),
        (7, "inspect", "received", "goods_inspected"),
        (8, "confirm_cause", "goods_inspected", "cause_confirmed"),
        (9, "refund", "cause_confirmed", "refund_pending"),
        (10, "refund_complete", "refund_pending", "refunded"),
        (11, "close", "refunded", "closed"),
    ]
    assert [e["actor_role"] for e in timeline] == [
        "customer", "customer", "agent", "customer", "customer", "warehouse", "warehouse", "qc", "finance", "system",
        "agent",
    ]  # fmt: skip
    assert timeline[9]["data"] == {"amount": "200.00"}  # the refund paid
    assert timeline[2]["label"] == {"zh": "同意并提供方案", "en": "Approve and offer a solution"}
    assert timeline[6]["data"] == {"accepted": 2, "rejected": 0}  # units, grades and notes are staff's
    assert timeline[8]["data"] == {"amount": "200.00"}  # reference, lines and notes are staff's
    assert all(e["actor"] is None for e in timeline)
    line.refresh_from_db()
    assert (line.quantity_held, line.quantity_returned) == (0, 2)


def inspect_all_body(staff, case_id) -> list[dict]:
    """What the inspector sends after reading the receipt: every unit grade A, every point of its
    checklist passed, accepted."""
    receipt = staff.api(Role.WAREHOUSE).get(f"/cases/{case_id}/receipt").json()
    return [
        {"unit": unit["id"], "grade": "A", "outcome": "accepted",
         "checks": {point["code"]: True for point in line["checklist"]}}
        for line in receipt["lines"]
        for unit in line["units"]
    ]  # fmt: skip


# --- ETag and If-Match ----------------------------------------------------------------------


def test_given_a_case_when_read_then_its_version_is_the_etag(staff, case):
    response = staff.api(Role.AGENT).get(f"/cases/{case.pk}")

    assert (response.status_code, response["ETag"], response.json()["version"]) == (200, '"1"', 1)


@pytest.mark.parametrize("if_match", ['"7"', 'W/"1"', '"1", "2"'])
def test_given_an_if_match_that_is_not_the_current_version_when_acting_then_412_and_nothing_changed(
    staff, case, line, if_match
):
    agent = staff.api(Role.AGENT)
    assert act(agent, case.pk, "reject", {"reason": "r", "alternative": "a"}).status_code == 200  # now "2"
    before = state_of(case, [line])

    response = act(agent, case.pk, "close", {}, **{"If-Match": if_match})

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "case.precondition_failed"
    assert state_of(case, [line]) == before


def test_given_the_etag_of_an_earlier_read_when_someone_acted_since_then_412_and_nothing_changed(
    staff, case, line
):
    # given two readers of version 1; the supervisor acts first
    seen = staff.api(Role.AGENT).get(f"/cases/{case.pk}")["ETag"]
    first = act(staff.api(Role.SUPERVISOR), case.pk, "reject", {"reason": "超期", "alternative": "维修"})
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    before = state_of(case, [line])

    # when the agent acts on what it saw
    response = act(staff.api(Role.AGENT), case.pk, "cancel", {"reason": "客户撤回"}, **{"If-Match": seen})

    # then
    assert (response.status_code, response.json()["code"]) == (412, "case.precondition_failed")
    assert state_of(case, [line]) == before


def test_given_if_match_star_when_acting_then_no_precondition(staff, case):
    response = act(
        staff.api(Role.AGENT), case.pk, "reject", {"reason": "r", "alternative": "a"}, **{"If-Match": "*"}
    )

    assert (response.status_code, response["ETag"]) == (200, '"2"')


# --- refusals -------------------------------------------------------------------------------


def test_given_a_goods_case_when_approving_without_a_solution_then_422_with_the_field_and_nothing_changed(
    staff, case, line
):
    with_photo = upload(staff.api(Role.AGENT), case.pk, png_upload())
    assert with_photo.status_code == 201
    before = state_of(case, [line])

    response = act(staff.api(Role.AGENT), case.pk, "approve", {"note": "ok"})

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "case.missing_inputs"
    assert problem["errors"] == [{"field": "solution", "message": "此项必填"}]
    assert state_of(case, [line]) == before


def test_given_required_inputs_missing_from_the_body_when_acting_then_422_naming_each_field(
    staff, case, line
):
    before = state_of(case, [line])

    response = act(staff.api(Role.AGENT), case.pk, "reject", {}, **{"Accept-Language": "en"})

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "request.invalid"
    assert problem["errors"] == [
        {"field": "reason", "message": "Field required"},
        {"field": "alternative", "message": "Field required"},
    ]
    assert state_of(case, [line]) == before


def test_given_inputs_of_the_wrong_type_when_acting_then_422(staff, case, line):
    before = state_of(case, [line])

    response = act(staff.api(Role.AGENT), case.pk, "approve", {"solution": "teleport", "extra": 1})

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["extra", "solution"]
    assert state_of(case, [line]) == before


def test_given_a_receipt_above_the_requested_quantity_when_received_then_422_on_the_line_as_a_body_path(
    staff, consumer, line
):
    from .cases_helpers import shipped

    case = shipped(open_case(staff.user(Role.AGENT), consumer, line, quantity=2), staff)
    case_line = case.lines.get()
    before = state_of(case, [line])

    response = act(staff.api(Role.WAREHOUSE), case.pk, "receive", {"received": {str(case_line.pk): 3}})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == f"received.{case_line.pk}"
    assert state_of(case, [line]) == before


def test_given_an_action_that_does_not_exist_when_posted_then_404(staff, case):
    response = act(staff.api(Role.AGENT), case.pk, "teleport")

    assert (response.status_code, response.json()["code"]) == (404, "request.not_found")


def test_given_an_action_of_another_case_type_when_posted_then_422(staff, consumer, case):
    consultation = open_case(staff.user(Role.AGENT), consumer, None, type="consultation")

    response = act(staff.api(Role.AGENT), consultation.pk, "reject", {"reason": "r", "alternative": "a"})

    assert (response.status_code, response.json()["code"]) == (422, "case.action_not_for_type")


def test_given_an_action_not_possible_in_the_status_when_posted_then_409(staff, case):
    response = act(staff.api(Role.WAREHOUSE), case.pk, "receive", {"received": {}})

    assert (response.status_code, response.json()["code"]) == (409, "case.action_not_allowed_now")


def test_given_a_role_that_may_never_take_the_action_when_posted_then_403_before_anything(staff, case, line):
    before = state_of(case, [line])

    response = act(staff.api(Role.FINANCE), case.pk, "approve", {"solution": "self_ship"})

    assert (response.status_code, response.json()["code"]) == (403, "auth.role_forbidden")
    assert state_of(case, [line]) == before


def test_given_someone_elses_case_when_a_customer_acts_or_reads_then_404_as_if_missing(staff, case, line):
    stranger = api_as(make_user(Role.CUSTOMER, customer=make_customer()))
    before = state_of(case, [line])

    responses = [
        stranger.get(f"/cases/{case.pk}"),
        stranger.get(f"/cases/{case.pk}/timeline"),
        act(stranger, case.pk, "cancel", {"reason": "x"}),
        stranger.post(f"/cases/{case.pk}/notes", {"text": "hi"}),
    ]

    assert [(r.status_code, r.json()["code"]) for r in responses] == [(404, "case.not_found")] * 4
    assert state_of(case, [line]) == before


# --- idempotency ----------------------------------------------------------------------------


def test_given_an_idempotency_key_when_an_action_is_sent_twice_then_the_first_answer_comes_back_and_it_fires_once(
    staff, case
):
    agent = staff.api(Role.AGENT)
    key = {"Idempotency-Key": "reject-0001", "If-Match": '"1"'}
    body = {"reason": "超出七天", "alternative": "保修维修"}

    first = act(agent, case.pk, "reject", body, **key)
    second = act(agent, case.pk, "reject", body, **key)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert (first["ETag"], second["ETag"], second["Idempotent-Replayed"]) == ('"2"', '"2"', "true")
    assert [t for t, _f, _t in trail(case.pk)] == ["created", "reject"]
    assert Case.objects.get(pk=case.pk).version == 2
    assert IdempotencyRecord.objects.count() == 1


# --- create ---------------------------------------------------------------------------------


def test_given_an_agent_when_opening_a_case_for_a_customer_by_code_then_201_with_lines(staff, consumer, line):
    response = staff.api(Role.AGENT).post(
        "/cases",
        {
            "customer": "ZS",
            "type": "return_refund",
            "channel": "phone",
            "priority": "high",
            "description": "开机无反应",
            "lines": [
                {"order_line": str(line.pk), "quantity": 1, "reason": "Q01", "serial_numbers": ["SN2"]}
            ],
        },
    )

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert (body["number"], body["customer"]["code"], body["channel"], body["priority"]) == (
        case.number,
        "ZS",
        "phone",
        "high",
    )
    (line_out,) = body["lines"]
    assert line_out["order_line"]["id"] == str(line.pk)
    assert line_out["order_line"]["order_number"] == line.order.number
    assert (line_out["reason"]["code"], line_out["reason"]["reason_class"], line_out["serial_numbers"]) == (
        "Q01",
        "quality",
        ["SN2"],
    )
    assert body["staff"]["created_by"]["username"] == "agent-staff"


def test_given_a_customer_when_naming_another_customer_then_422_as_if_it_did_not_exist(
    staff, consumer_api, line
):
    other = make_customer(code="LS")
    other_line = order_line(other)

    responses = [
        consumer_api.post(
            "/cases",
            {
                "customer": code,
                "type": "return_refund",
                "lines": [{"order_line": str(ol.pk), "quantity": 1, "reason": "Q01"}],
            },
        )
        for code, ol in (("LS", other_line), ("NOPE", line))
    ]

    assert [(r.status_code, r.json()["code"], r.json()["errors"][0]["field"]) for r in responses] == [
        (422, "case.unknown_customer", "customer")
    ] * 2
    assert Case.objects.count() == 0


def test_given_a_bad_line_when_opening_then_422_with_a_zero_based_body_path(staff, consumer, line):
    second = order_line(consumer)
    body = {
        "customer": "ZS",
        "type": "return_refund",
        "lines": [
            {"order_line": str(line.pk), "quantity": 1, "reason": "Q01"},
            {"order_line": str(second.pk), "quantity": 1, "reason": "Q"},  # a group, not a reason
        ],
    }

    response = staff.api(Role.AGENT).post("/cases", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.1.reason"
    assert Case.objects.count() == 0


def test_given_more_than_is_returnable_when_opening_then_409_and_nothing_held(staff, consumer, line):
    response = staff.api(Role.AGENT).post(
        "/cases",
        {
            "customer": "ZS",
            "type": "return_refund",
            "lines": [{"order_line": str(line.pk), "quantity": 6, "reason": "Q01"}],
        },
    )

    assert (response.status_code, response.json()["code"]) == (409, "case.quantity_exceeded")
    line.refresh_from_db()
    assert (Case.objects.count(), line.quantity_held) == (0, 0)


def test_given_a_role_that_does_not_take_requests_when_opening_then_403(staff, consumer, line):
    response = staff.api(Role.WAREHOUSE).post(
        "/cases",
        {
            "customer": "ZS",
            "type": "return_refund",
            "lines": [{"order_line": str(line.pk), "quantity": 1, "reason": "Q01"}],
        },
    )

    assert (response.status_code, response.json()["code"]) == (403, "auth.role_forbidden")
    assert Case.objects.count() == 0


# --- assignment, priority, notes, timeline ------------------------------------------------------


def test_given_a_case_when_assigned_then_the_assignee_shows_to_staff_only_and_the_version_moves(
    staff, case, consumer_api
):
    qc = staff.user(Role.QC)

    response = staff.api(Role.SUPERVISOR).post(
        f"/cases/{case.pk}/assign", {"assignee": qc.username}, **{"If-Match": '"1"'}
    )

    assert (response.status_code, response["ETag"]) == (200, '"2"')
    assert response.json()["assignee"] == {
        "id": qc.pk,
        "username": "qc-staff",
        "name": "qc-staff",
        "role": "qc",
    }
    assert consumer_api.get(f"/cases/{case.pk}").json()["assignee"] is None


def test_given_an_unknown_username_when_assigning_then_422_and_nothing_changed(staff, case, line):
    before = state_of(case, [line])

    response = staff.api(Role.SUPERVISOR).post(f"/cases/{case.pk}/assign", {"assignee": "nobody"})

    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "assignee")
    assert state_of(case, [line]) == before


def test_given_a_case_when_its_priority_is_raised_then_200_and_the_new_version(staff, case):
    response = staff.api(Role.AGENT).post(
        f"/cases/{case.pk}/priority", {"priority": "urgent", "reason": "投诉"}
    )

    assert (response.status_code, response["ETag"], response.json()["priority"]) == (200, '"2"', "urgent")


def test_given_internal_and_customer_notes_when_the_customer_reads_the_timeline_then_only_its_messages_show(
    staff, case, consumer_api
):
    agent = staff.api(Role.AGENT)
    internal = agent.post(f"/cases/{case.pk}/notes", {"text": "客户态度较差,注意沟通"})
    message = agent.post(f"/cases/{case.pk}/notes", {"text": "您好,已收到您的申请", "internal": False})
    reply = consumer_api.post(f"/cases/{case.pk}/notes", {"text": "谢谢", "internal": True})

    assert [r.status_code for r in (internal, message, reply)] == [200, 200, 200]
    assert [r["ETag"] for r in (internal, message, reply)] == ['"1"'] * 3  # notes never make a copy stale
    seen_by_customer = consumer_api.get(f"/cases/{case.pk}/timeline").json()["items"]
    seen_by_staff = agent.get(f"/cases/{case.pk}/timeline").json()["items"]
    assert [(e["type"], e["data"].get("text")) for e in seen_by_customer] == [
        ("created", None),
        ("note", "您好,已收到您的申请"),
        ("note", "谢谢"),
    ]
    assert [(e["type"], e["internal"]) for e in seen_by_staff] == [
        ("created", False),
        ("note", True),
        ("note", False),
        ("note", False),
    ]
    assert seen_by_staff[1]["actor"]["username"] == "agent-staff"
    assert seen_by_customer[0]["data"] == {}  # the policy rules and lines of `created` are staff's


# --- attachments ----------------------------------------------------------------------------


def test_given_a_png_when_uploaded_then_it_lists_and_downloads_with_its_type_and_a_safe_name(
    staff, case, consumer_api
):
    uploaded = upload(
        consumer_api, case.pk, SimpleUploadedFile('屏幕"花屏".html', tiny_png(), content_type="text/html")
    )

    assert uploaded.status_code == 201
    attachment = uploaded.json()
    stored = Attachment.objects.get()
    assert (attachment["id"], attachment["kind"], attachment["content_type"], attachment["size"]) == (
        str(stored.pk),
        "image",
        "image/png",
        len(tiny_png()),
    )
    assert attachment["uploaded_by_role"] == "customer"
    listed = staff.api(Role.AGENT).get(f"/cases/{case.pk}/attachments").json()["items"]
    assert [a["id"] for a in listed] == [attachment["id"]]

    download = consumer_api.client.get(attachment["download_path"], headers=consumer_api.headers)

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == tiny_png()
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("image/png", "nosniff")
    # the real content's extension, quotes replaced, non-ASCII as RFC 5987
    assert (
        download["Content-Disposition"]
        == "attachment; filename*=utf-8''%E5%B1%8F%E5%B9%95_%E8%8A%B1%E5%B1%8F_.png"
    )


def test_given_a_file_disguised_as_a_png_when_uploaded_then_422_and_nothing_stored(staff, case, consumer_api):
    disguised = SimpleUploadedFile(
        "photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )

    response = upload(consumer_api, case.pk, disguised)

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["errors"][0]["field"]) == ("case.invalid_input", "file")
    assert (Attachment.objects.count(), CaseEvent.objects.filter(type="attachment_added").count()) == (0, 0)


def test_given_someone_elses_case_when_a_customer_uploads_or_downloads_then_404(staff, case):
    attachment_id = upload(staff.api(Role.AGENT), case.pk, png_upload()).json()["id"]
    stranger = api_as(make_user(Role.CUSTOMER, customer=make_customer()))

    responses = [
        upload(stranger, case.pk, png_upload()),
        stranger.get(f"/cases/{case.pk}/attachments"),
        stranger.get(f"/cases/{case.pk}/attachments/{attachment_id}/download"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert Attachment.objects.count() == 1


def test_given_an_attachment_of_another_case_when_downloaded_through_this_case_then_404(
    staff, consumer, case, line
):
    other = open_case(staff.user(Role.AGENT), consumer, order_line(consumer))
    attachment_id = upload(staff.api(Role.AGENT), other.pk, png_upload()).json()["id"]

    response = staff.api(Role.AGENT).get(f"/cases/{case.pk}/attachments/{attachment_id}/download")

    assert (response.status_code, response.json()["code"]) == (404, "case.attachment_not_found")


def test_given_an_upload_with_an_idempotency_key_when_sent_twice_then_one_attachment(staff, case):
    agent = staff.api(Role.AGENT)

    first = upload(agent, case.pk, png_upload(), **{"Idempotency-Key": "photo-1"})
    second = upload(agent, case.pk, png_upload(), **{"Idempotency-Key": "photo-1"})

    assert (first.status_code, second.status_code, second["Idempotent-Replayed"]) == (201, 201, "true")
    assert json.loads(second.content) == first.json()
    assert Attachment.objects.count() == 1


# --- eligibility ----------------------------------------------------------------------------


def test_given_order_lines_when_checking_eligibility_then_per_line_quantities_and_decision_and_nothing_written(
    staff, consumer, consumer_api, line
):
    open_case(staff.user(Role.AGENT), consumer, line, quantity=2)  # holds 2 of the 5
    before = (Case.objects.count(), CaseEvent.objects.count(), IdempotencyRecord.objects.count())

    response = consumer_api.post(
        "/eligibility",
        {"type": "return_refund", "lines": [{"order_line": str(line.pk), "quantity": 1, "reason": "Q01"}]},
        **{"Accept-Language": "en"},
    )

    assert response.status_code == 200
    body = response.json()
    (decision,) = body["lines"]
    assert (decision["order_line"], decision["quantity_requested"], decision["returnable_quantity"]) == (
        str(line.pk),
        1,
        3,
    )
    assert decision["eligible"] is True
    assert decision["explanation"]["zh"] and decision["explanation"]["en"]
    assert body["eligible"] is True
    assert body["evidence_required"] is True  # a quality claim wants a photo
    assert (Case.objects.count(), CaseEvent.objects.count(), IdempotencyRecord.objects.count()) == before


def test_given_someone_elses_order_line_when_checking_eligibility_then_422_on_the_line(staff, consumer_api):
    other_line = order_line(make_customer())

    response = consumer_api.post(
        "/eligibility",
        {
            "type": "return_refund",
            "lines": [{"order_line": str(other_line.pk), "quantity": 1, "reason": "Q01"}],
        },
    )

    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "lines.0.order_line")


# --- the OpenAPI document -------------------------------------------------------------------


def test_given_the_workflow_when_the_openapi_document_is_built_then_each_action_has_its_own_operation_and_body():
    from django.test import Client

    from returndesk.cases.workflow import ACTIONS

    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    action_paths = {p.rsplit("/", 1)[1] for p in document["paths"] if "/actions/" in p}
    assert action_paths == set(ACTIONS)
    body = document["paths"]["/api/v1/cases/{case_id}/actions/confirm_cause"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ConfirmCauseIn"}
    assert schemas["ConfirmCauseIn"]["required"] == [
        "is_our_product",
        "stage",
        "responsible_department",
        "handling",
    ]
    assert schemas["ConfirmCauseIn"]["properties"]["is_our_product"]["type"] == "boolean"
    assert schemas["ConfirmCauseIn"]["additionalProperties"] is False
    assert schemas["Solution"]["enum"] == ["pickup", "self_ship", "drop_off", "onsite"]
    assert schemas["ReceiveIn"]["properties"]["received"]["additionalProperties"] == {"type": "integer"}
    assert "required" not in schemas["ApproveIn"]  # solution: goods cases only (the service says so)


def test_given_the_workflow_declaration_then_every_input_has_an_api_type():
    from returndesk.api.v1.cases import ACTION_INPUT_TYPES, INPUT_TYPES
    from returndesk.cases.workflow import TRANSITIONS

    declared = {(t.action, i.name) for t in TRANSITIONS for i in t.inputs}

    assert {(a, n) for a, n in declared if n not in INPUT_TYPES and (a, n) not in ACTION_INPUT_TYPES} == set()


def test_given_staff_when_opening_a_case_without_naming_the_customer_then_422_on_customer(staff, line):
    response = staff.api(Role.AGENT).post(
        "/cases",
        {"type": "return_refund", "lines": [{"order_line": str(line.pk), "quantity": 1, "reason": "Q01"}]},
    )

    assert (response.status_code, response.json()["code"], response.json()["errors"][0]["field"]) == (
        422,
        "case.customer_required",
        "customer",
    )
    assert Case.objects.count() == 0
