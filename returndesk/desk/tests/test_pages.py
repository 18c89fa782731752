"""Pages of the desk app: sign-in, home, case detail, workflow, health check, and the admin."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.cases.models import Case, CaseEvent, CaseSettings, Status
from returndesk.cases.services import case_add_note, case_create
from returndesk.cases.workflow import TRANSITIONS
from returndesk.catalog.tests.factories import make_customer
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only-9"


def make_user(username: str, role: str, customer=None, **kw) -> User:
    # accounts has no user service yet; create_user is the write the admin itself uses.
    return User.objects.create_user(username=username, password=PASSWORD, role=role, customer=customer, **kw)


def open_return_case(customer, actor) -> Case:
    order = make_order(customer=customer)
    line = order.lines.get()
    return case_create(
        actor=actor,
        customer=customer,
        type="return_refund",
        channel="web",
        lines=[{"order_line": line, "quantity": 1, "reason": "Q01"}],
        description="开不了机",
    )


@pytest.fixture
def agent():
    return make_user("agent1", Role.AGENT, last_name="王", first_name="芳")


@pytest.fixture
def two_customers_with_cases(agent):
    alice_customer = make_customer(name="爱丽丝科技")
    bob_customer = make_customer(name="鲍勃贸易")
    alice = make_user("alice", Role.CUSTOMER, customer=alice_customer)
    bob = make_user("bob", Role.CUSTOMER, customer=bob_customer)
    alice_case = open_return_case(alice_customer, alice)
    bob_case = open_return_case(bob_customer, agent)
    return alice, alice_case, bob, bob_case


# --- sign-in and language -------------------------------------------------------------------


def test_given_no_language_preference_when_opening_login_then_page_is_chinese(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>登录</h1>" in html
    assert "用户名" in html
    assert "Sign in" not in html


def test_given_browser_asks_for_english_when_opening_login_then_page_is_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "登录" not in html


def test_given_language_switched_to_english_when_opening_login_again_then_page_is_english(client):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    response = client.get("/accounts/login/")

    assert switched.status_code == 302
    assert switched.headers["Location"] == "/accounts/login/"
    assert "<h1>Sign in</h1>" in response.content.decode()


def test_given_valid_password_when_signing_in_then_home_shows_user_and_role(client, agent):
    response = client.post("/accounts/login/", {"username": "agent1", "password": PASSWORD}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert "王芳 (agent1)" in html
    assert "客服专员" in html
    assert "Service agent" not in html


def test_given_wrong_password_when_signing_in_then_form_shows_error_and_no_session(client, agent):
    response = client.post("/accounts/login/", {"username": "agent1", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "请输入一个正确的" in response.content.decode()


def test_given_signed_in_when_posting_logout_then_session_ends_and_login_page_follows(client, agent):
    client.force_login(agent)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


# --- home -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/workflow/"])
def test_given_anonymous_when_opening_page_then_redirected_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login/?next={url}"


def test_given_customer_when_opening_home_then_only_own_cases_are_listed_without_counts(
    client, two_customers_with_cases
):
    alice, alice_case, _bob, bob_case = two_customers_with_cases
    client.force_login(alice)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [c.number for c in response.context["dashboard"].recent] == [alice_case.number]
    assert response.context["dashboard"].status_counts is None
    assert alice_case.number in html
    assert bob_case.number not in html
    assert "鲍勃贸易" not in html


def test_given_staff_when_opening_home_then_the_queues_of_the_role_are_shown_in_chinese(
    client, agent, two_customers_with_cases
):
    _alice, _alice_case, _bob, _bob_case = two_customers_with_cases
    client.force_login(agent)

    response = client.get("/")

    home = response.context["home"]
    html = response.content.decode()
    assert response.status_code == 200
    assert [q.spec.key for q in home.queues] == ["mine", "inbox", "due_soon", "breached", "waiting"]
    assert {q.spec.key: q.count for q in home.queues}["inbox"] == 2
    assert "待本部门处理" in html
    assert "Waiting for my department" not in html


# --- case detail ----------------------------------------------------------------------------


def test_given_customer_when_opening_another_customers_case_then_not_found(client, two_customers_with_cases):
    alice, _alice_case, _bob, bob_case = two_customers_with_cases
    client.force_login(alice)

    response = client.get(reverse("case_detail", args=[bob_case.id]))

    assert response.status_code == 404
    assert bob_case.number not in response.content.decode()


def test_given_unknown_case_id_when_opening_detail_then_not_found(client, agent):
    client.force_login(agent)

    response = client.get("/cases/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404


def test_given_customer_when_opening_own_case_then_lines_timeline_and_actions_shown_without_internal_events(
    client, agent, two_customers_with_cases
):
    alice, alice_case, _bob, _bob_case = two_customers_with_cases
    case_add_note(case=alice_case, actor=agent, text="内部备注:先联系仓库", internal=True)
    case_add_note(case=alice_case, actor=agent, text="您好,我们已收到申请", internal=False)
    client.force_login(alice)

    response = client.get(reverse("case_detail", args=[alice_case.id]))

    html = response.content.decode()
    detail = response.context["detail"]
    assert response.status_code == 200
    assert alice_case.number in html
    assert [(line.quantity, line.quantity_received, line.reason.code) for line in detail.lines] == [
        (1, None, "Q01")
    ]
    assert "无法开机/不通电" in html
    assert [e.event.type for e in detail.timeline] == ["created", "note"]
    assert "您好,我们已收到申请" in html
    assert "内部备注" not in html
    assert [(a.action, a.enabled) for a in detail.actions] == [("cancel", True)]
    assert "取消工单" in html


def test_given_staff_when_opening_case_then_internal_events_and_reviewer_actions_are_shown(
    client, agent, two_customers_with_cases
):
    _alice, alice_case, _bob, _bob_case = two_customers_with_cases
    case_add_note(case=alice_case, actor=agent, text="内部备注:先联系仓库", internal=True)
    client.force_login(agent)

    response = client.get(reverse("case_detail", args=[alice_case.id]), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    detail = response.context["detail"]
    assert response.status_code == 200
    assert [e.event.type for e in detail.timeline] == ["created", "note"]
    assert "内部备注:先联系仓库" in html
    assert [(a.action, a.enabled) for a in detail.actions] == [
        ("approve", False),  # a quality claim: the customer must first upload a photo (policy)
        ("reject", True),
        ("cancel", True),
    ]
    assert "Approve and offer a solution" in html
    assert "Quality claims need a photo or video first" in html
    assert "Case opened" in html


# --- workflow -------------------------------------------------------------------------------


def test_given_staff_when_opening_workflow_then_every_declared_step_is_listed(client, agent):
    client.force_login(agent)

    response = client.get("/workflow/")

    html = response.content.decode()
    overview = response.context["overview"]
    assert response.status_code == 200
    assert [step.transition for step in overview.steps] == list(TRANSITIONS)
    for transition in TRANSITIONS:
        assert f"<code>{transition.action}</code>" in html
        assert transition.zh in html
        for guard in transition.guards:
            assert guard.name in html
    assert html.count("<tr>") == len(TRANSITIONS) + 1  # header row + one per declared transition


def test_given_cases_in_statuses_when_staff_opens_workflow_then_counts_come_from_the_database(
    client, agent, two_customers_with_cases
):
    client.force_login(agent)

    response = client.get("/workflow/")

    counts = {item.status: item.count for item in response.context["overview"].statuses}
    assert counts[Status.SUBMITTED] == 2
    assert counts[Status.CLOSED] == 0


def test_given_customer_when_opening_workflow_then_process_is_shown_without_figures(
    client, two_customers_with_cases
):
    alice, *_ = two_customers_with_cases
    client.force_login(alice)

    response = client.get("/workflow/")

    overview = response.context["overview"]
    assert response.status_code == 200
    assert overview.show_counts is False
    assert {item.count for item in overview.statuses} == {None}


def test_given_staff_when_opening_workflow_then_the_diagram_is_drawn_from_the_table_with_counts(
    client, agent, two_customers_with_cases
):
    client.force_login(agent)

    response = client.get("/workflow/", {"type": "return_refund"})

    diagram = response.context["diagram"]
    html = response.content.decode()
    assert diagram.startswith("stateDiagram-v2\n    accTitle: 退货退款\n    accDescr: ")
    assert '    state "待审核 (2)" as submitted' in diagram
    assert "    submitted --> awaiting_customer: 同意并提供方案" in diagram
    assert "answered" not in diagram  # consultations only
    assert '<pre class="mermaid" data-diagram>' in html
    assert "vendor/mermaid/mermaid.min.js" in html
    assert "cdn" not in html.lower()


def test_given_english_when_opening_workflow_then_the_diagram_speaks_english(client, agent):
    client.force_login(agent)

    response = client.get("/workflow/", HTTP_ACCEPT_LANGUAGE="en")

    assert '    state "Submitted (0)" as submitted' in response.context["diagram"]
    assert "submitted --> awaiting_customer: Approve and offer a solution" in response.context["diagram"]


# --- health check ---------------------------------------------------------------------------


def test_given_database_up_when_calling_healthz_then_ok_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


# --- admin ----------------------------------------------------------------------------------


@pytest.fixture
def superuser():
    return User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.com", role=Role.ADMIN
    )


def test_given_superuser_when_opening_every_admin_changelist_then_each_renders(
    client, superuser, two_customers_with_cases
):
    client.force_login(superuser)
    failures = {}

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = client.get(url).status_code
        if status != 200:
            failures[url] = status

    registered = {model._meta.label for model in admin.site._registry}
    assert registered >= {
        "accounts.User", "accounts.Team", "catalog.Customer", "catalog.ProductCategory", "catalog.Product",
        "catalog.Warehouse", "orders.Order", "cases.ReturnReason", "cases.CaseSettings", "cases.Case",
        "cases.CaseEvent", "notifications.OutboxMessage",
    }  # fmt: skip
    assert failures == {}


def test_given_admin_in_default_language_when_opening_index_then_header_is_chinese(client, superuser):
    client.force_login(superuser)

    response = client.get("/admin/")

    html = response.content.decode()
    assert "<title>配置与监管 | ReturnDesk 管理后台</title>" in html
    assert "ReturnDesk 售后管理后台" in html
    assert ">退货原因</a>" in html
    assert "Return reasons" not in html


def test_given_english_chosen_when_opening_admin_index_then_header_is_english(client, superuser):
    client.force_login(superuser)
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})

    response = client.get("/admin/")

    html = response.content.decode()
    assert "ReturnDesk administration" in html
    assert ">Return reasons</a>" in html


def test_given_superuser_when_opening_a_case_in_admin_then_it_is_read_only(
    client, superuser, two_customers_with_cases
):
    _alice, alice_case, _bob, _bob_case = two_customers_with_cases
    client.force_login(superuser)
    url = reverse("admin:cases_case_change", args=[alice_case.id])
    events_before = CaseEvent.objects.filter(case=alice_case).count()

    page = client.get(url)
    post = client.post(url, {"status": "closed", "description": "changed in admin"})
    delete = client.post(reverse("admin:cases_case_delete", args=[alice_case.id]), {"post": "yes"})
    add = client.get(reverse("admin:cases_case_add"))

    alice_case.refresh_from_db()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert alice_case.number in page.content.decode()
    assert (post.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert alice_case.status == Status.SUBMITTED
    assert alice_case.description == "开不了机"
    assert CaseEvent.objects.filter(case=alice_case).count() == events_before


def test_given_superuser_when_opening_an_order_in_admin_then_it_is_read_only(
    client, superuser, two_customers_with_cases
):
    _alice, alice_case, _bob, _bob_case = two_customers_with_cases
    order = alice_case.lines.get().order_line.order
    client.force_login(superuser)

    page = client.get(reverse("admin:orders_order_change", args=[order.id]))
    delete = client.post(reverse("admin:orders_order_delete", args=[order.id]), {"post": "yes"})
    add = client.get(reverse("admin:orders_order_add"))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (delete.status_code, add.status_code) == (403, 403)
    assert type(order).objects.filter(id=order.id).exists()


def test_given_workflow_settings_exist_when_adding_or_deleting_in_admin_then_refused(client, superuser):
    client.force_login(superuser)
    settings_row = CaseSettings.current()

    add = client.get(reverse("admin:cases_casesettings_add"))
    delete = client.post(reverse("admin:cases_casesettings_delete", args=[settings_row.pk]), {"post": "yes"})
    change = client.get(reverse("admin:cases_casesettings_change", args=[settings_row.pk]))

    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 200)
    assert CaseSettings.objects.count() == 1


def test_given_more_cases_when_staff_opens_home_then_query_count_does_not_grow(
    client, agent, two_customers_with_cases
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from returndesk.cases.services import case_assign

    alice, alice_case, _bob, bob_case = two_customers_with_cases
    for case in (alice_case, bob_case):
        case_assign(case=case, actor=agent, assignee=agent)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for _ in range(3):
        case_assign(case=open_return_case(alice.customer, agent), actor=agent, assignee=agent)

    with CaptureQueriesContext(connection) as after:
        response = client.get("/")

    assert len(response.context["home"].primary_cases) == 5
    assert len(after) == len(before) <= 12


@pytest.mark.parametrize(
    "case_type, edges",
    [
        ("return_refund", ["received --> goods_inspected: 验收退货", "goods_inspected --> refund_pending: 发起退款",
                           "refund_pending --> refunded: 退款到账并冲账", "refund_pending --> refund_failed: 退款失败",
                           "refund_failed --> refund_pending: 发起退款"]),
        ("exchange", ["goods_inspected --> replacement_reserved: 安排换货并锁定库存",
                      "replacement_reserved --> difference_paid: 确认差价已收款",
                      "difference_paid --> replacement_shipped: 发出换货"]),
        ("repair", ["goods_inspected --> quote_pending: 检测并出具付费维修报价",
                    "quote_pending --> ready_for_repair: 接受维修报价", "quote_pending --> quote_declined: 拒绝维修报价",
                    "quote_declined --> returned_unrepaired: 未维修原样寄回", "ready_for_repair --> repairing: 开始维修"]),
    ],
)  # fmt: skip
def test_given_the_goods_and_refund_steps_when_drawing_a_type_then_its_new_statuses_and_edges_are_there(
    client, agent, case_type, edges
):
    client.force_login(agent)

    diagram = client.get("/workflow/", {"type": case_type}).context["diagram"]

    for edge in edges:
        assert f"    {edge}" in diagram, edge
