"""The two flows of the issue walked in a real browser, each role in its own browser context:
the consumer return (seed S9) from a phone call to closing, and the distributor approval flow
(seed S2: sales → warehouse → production/QC → general manager → finance). At each step the test
checks what the role sees and what it may not do. Nothing is faked: the pages post to the real
services on the live server's database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from returndesk.cases.models import Case, Status
from returndesk.cases.tests.helpers import tiny_png

from ..conftest import PASSWORD, make_user, order_line

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(migration_data):
    from returndesk.accounts.models import Team
    from returndesk.accounts.roles import Role
    from returndesk.catalog.models import CustomerType
    from returndesk.catalog.tests.factories import make_customer
    from returndesk.inspection.tests.helpers import default_warehouse

    default_warehouse()
    team = Team.objects.create(name="客服一组", role=Role.AGENT)
    consumer = make_customer(name="张伟", code="C0001", phone="13800000001", email="zhangwei@example.com")
    other = make_customer(name="李娜", code="C0002", phone="13800000002")
    dealer = make_customer(
        type=CustomerType.DISTRIBUTOR, name="成都蓉信数码", code="D001", phone="02866660001"
    )
    return {
        "consumer": consumer,
        "other": other,
        "dealer": dealer,
        "agent": make_user("agent1", Role.AGENT, team=team, last_name="李", first_name="晓梅"),
        "customer": make_user("zhangwei", Role.CUSTOMER, customer=consumer),
        "distributor": make_user("dealer", Role.DISTRIBUTOR, customer=dealer),
        "sales": make_user("sales", Role.SALES),
        "warehouse": make_user("warehouse", Role.WAREHOUSE),
        "qc": make_user("qc", Role.QC),
        "gm": make_user("gm", Role.GM),
        "finance": make_user("finance", Role.FINANCE),
    }


OUTSIDE: list[str] = []  # any request a page makes to another host (there must be none: no CDN)


def sign_in(browser, live_server, username: str, **context_args) -> Page:
    context = browser.new_context(locale="zh-CN", **context_args)
    context.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else OUTSIDE.append(request.url),
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    return page


def status_of(page: Page):
    return page.locator(".case-title .badge")


def act(
    page: Page,
    action: str,
    fields: dict[str, str] | None = None,
    selects: dict[str, str] | None = None,
    ok=True,
):
    """Open the action's form (a <details>), fill it and submit it; when it should succeed, wait
    for the page the server sends htmx to (HX-Redirect)."""
    box = page.locator(f"#act-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in (selects or {}).items():
        box.locator(f"[name='{action}-{name}']").select_option(value)
    for name, value in (fields or {}).items():
        box.locator(f"[name='{action}-{name}']").fill(value)
    if ok:
        with page.expect_navigation():
            box.locator("button[type=submit]").click()
    else:
        with page.expect_response(lambda r: f"/actions/{action}/" in r.url):
            box.locator("button[type=submit]").click()


def inspect_units(page: Page, count: int, rejected: dict[int, str] | None = None):
    """Grade every unit received A, every checklist point passed; the units in `rejected`
    (number → reason) are rejected with the case's first photo as evidence."""
    box = page.locator("#act-inspect")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for n in range(1, count + 1):
        box.locator(f"[name='inspect-unit{n}_grade']").select_option("A")
    for n, reason in (rejected or {}).items():
        box.locator(f"[name='inspect-unit{n}_grade']").select_option("C")
        box.locator(f"[name='inspect-unit{n}_outcome'][value=rejected]").check()
        box.locator(f"[name='inspect-unit{n}_rejection_reason']").select_option(reason)
        box.locator(f"[name='inspect-unit{n}_photos']").first.check()
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def upload_photo(page: Page, name="故障照片.png"):
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "image/png", "buffer": tiny_png()}])
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".gallery img").first).to_be_visible()


def test_consumer_return_by_phone_from_intake_to_closed(browser, live_server, people):
    """Seed S9: the customer calls; customer service records the request and offers self-ship;
    the customer confirms and ships; the warehouse counts; QC confirms the cause; finance
    refunds; customer service closes."""
    line = order_line(people["consumer"], quantity=2, unit_price="1999.00", number="HC2026112000058")
    order_line(people["other"], number="HC2026112000099")
    base = live_server.url

    # Customer service takes the call: finds the customer by phone, picks the line, sees the policy.
    agent = sign_in(browser, live_server, "agent1")
    agent.goto(f"{base}/intake/")
    agent.fill("#customer-q", "13800000001")
    agent.locator("#customer-results a.pick").first.click()
    agent.check(f"#line-{line.id}")
    agent.select_option(f"#reason-{line.id}", "Q01")
    expect(agent.locator("#decision")).to_contain_text("按政策可以受理此申请。")
    agent.fill("#id_description", "笔记本开机无反应,电源灯不亮")
    agent.get_by_role("button", name="创建工单").click()
    expect(agent.locator(".flash")).to_contain_text("已创建工单")
    expect(status_of(agent)).to_have_text("待审核")
    case = Case.objects.get()
    assert case.channel == "phone" and case.created_by == people["agent"]
    expect(agent.locator("#act-approve")).to_contain_text("质量问题须先上传照片或视频")
    upload_photo(agent)
    agent.locator("#id_note-text").fill("客户情绪激动,优先处理")
    with agent.expect_navigation():
        agent.get_by_role("button", name="添加内部备注").click()
    act(agent, "approve", selects={"solution": "self_ship"})
    expect(status_of(agent)).to_have_text("待客户确认方案")
    expect(agent.locator("#act-receive")).to_have_count(0)  # the warehouse's step, not customer service's

    # The customer sees only his own case, no internal note, and confirms and ships.
    customer = sign_in(browser, live_server, "zhangwei")
    expect(customer.locator("main")).to_contain_text(case.number)
    assert customer.goto(f"{base}/cases/").status == 403
    customer.goto(f"{base}/cases/{case.pk}/")
    expect(customer.locator("main")).not_to_contain_text("客户情绪激动")
    expect(customer.locator("#internal-notes")).to_have_count(0)
    act(customer, "confirm_solution")
    expect(status_of(customer)).to_have_text("待寄回")
    act(customer, "ship_back", fields={"tracking_number": "12345"}, selects={"carrier": "SF"}, ok=False)
    expect(customer.locator("#act-ship_back .errorlist")).to_contain_text("不符合顺丰速运的格式")
    act(customer, "ship_back", fields={"tracking_number": "SF1234567890123"}, selects={"carrier": "SF"})
    expect(status_of(customer)).to_have_text("退货在途")

    # The warehouse, on a phone, scans the tracking number and counts what arrived.
    warehouse = sign_in(browser, live_server, "warehouse", viewport=PHONE)
    warehouse.goto(f"{base}/receiving/")
    warehouse.fill("#scan", "SF1234567890123")
    warehouse.keyboard.press("Enter")
    expect(warehouse).to_have_url(re.compile(rf"/receiving/{case.pk}/$"))
    line_id = case.lines.get().id
    act(warehouse, "receive", fields={f"received_{line_id}": "1", f"serial_numbers_{line_id}": "XR14-0001"})
    expect(warehouse.locator(".flash")).to_contain_text("已完成:确认实际入库数量")
    expect(warehouse.locator("#act-refund")).to_have_count(0)
    expect(warehouse.locator("#act-confirm_cause")).to_have_count(0)  # production's step
    # Inspection at the same bench: the unit's checklist, grade A, accepted; a photo from the camera.
    expect(warehouse.locator("#act-inspect fieldset.unit-inspection")).to_have_count(1)
    expect(warehouse.locator("#act-inspect fieldset.unit-inspection > legend")).to_contain_text("XR14-0001")
    upload_photo(warehouse, "验收照片.png")
    inspect_units(warehouse, 1)
    expect(warehouse.locator(".flash")).to_contain_text("已完成:验收退货")
    expect(warehouse.locator(".unit-row")).to_contain_text("合格接收")

    # Production/QC confirms the cause of the quality return.
    qc = sign_in(browser, live_server, "qc")
    qc.goto(f"{base}/qc/")
    qc.locator(f"a.work-item:has-text('{case.number}')").click()
    box = qc.locator("#act-confirm_cause")
    box.locator("input[value=true]").check()
    act(
        qc,
        "confirm_cause",
        fields={"responsible_department": "生产部", "handling": "返修后入库"},
        selects={"stage": "production"},
    )
    expect(qc.locator(".flash")).to_contain_text("确认原因与责任")

    # Finance refunds by bank transfer (no GM gate below 5,000 CNY): the refund waits until
    # finance confirms the transfer with the bank's reference; then customer service closes.
    finance = sign_in(browser, live_server, "finance")
    finance.goto(f"{base}/finance/")
    expect(finance.locator("#h-to-refund + p + article")).to_contain_text(case.number)
    act(
        finance, "refund", selects={"route": "bank_transfer"},
        fields={"account_name": "张伟", "bank": "招商银行上海分行", "account_number": "6225880212345678",
                "reference": "HC-CN-2026-0001"},
    )  # fmt: skip
    expect(finance.locator("main")).to_contain_text("暂无待退款工单。")
    case.refresh_from_db()
    assert case.status == Status.REFUND_PENDING
    agent.goto(f"{base}/cases/{case.pk}/")
    expect(status_of(agent)).to_have_text("退款中")
    expect(agent.locator("#act-close")).to_have_count(0)  # not before the money is paid
    transfer = finance.locator(f"article.refund-row:has-text('{case.number}')")
    transfer.locator("form[action$='/confirm/'] input[name$='-reference']").fill("CMB20261127000123")
    with finance.expect_navigation():
        transfer.locator("form[action$='/confirm/'] button").click()
    expect(finance.locator("main")).to_contain_text("暂无待确认的银行转账。")
    expect(finance.locator("table.credit-notes")).to_contain_text(case.number)
    agent.goto(f"{base}/cases/{case.pk}/")
    expect(status_of(agent)).to_have_text("已退款冲账")
    act(agent, "close", fields={"note": "已回访,客户满意"})
    expect(status_of(agent)).to_have_text("已关闭")

    case.refresh_from_db()
    assert (case.status, str(case.refund_amount)) == (Status.CLOSED, "1999.00")
    assert list(case.events.exclude(type__in=["note", "attachment_added"]).values_list("type", flat=True)) == [
        "created", "approve", "confirm_solution", "ship_back", "receive", "inspect", "confirm_cause", "refund",
        "refund_complete", "close",
    ]  # fmt: skip
    assert OUTSIDE == []


def test_distributor_return_through_sales_warehouse_qc_gm_and_finance(browser, live_server, people):
    """Seed S2 (JD/GL04): sales records the distributor's return notice, the warehouse confirms
    the quantity actually received, production confirms the cause, the general manager approves
    with an opinion on the petition (S3), finance reverses the sale."""
    line = order_line(people["dealer"], quantity=10, unit_price="3665.22")
    base = live_server.url

    sales = sign_in(browser, live_server, "sales")
    sales.goto(f"{base}/intake/?customer=D001")
    expect(sales.locator("#id_channel")).to_have_value("distributor_notice")
    sales.check(f"#line-{line.id}")
    sales.fill(f"#qty-{line.id}", "5")
    sales.select_option(f"#reason-{line.id}", "Q01")
    expect(sales.locator("#decision")).to_contain_text("符合条件")
    sales.fill("#id_description", "经销商来电:5 台门店试机时无法开机")
    sales.get_by_role("button", name="创建工单").click()
    expect(status_of(sales)).to_have_text("待审核")
    case = Case.objects.get()
    upload_photo(sales, "经销商质检照片.png")
    act(sales, "approve", selects={"solution": "self_ship"})
    act(sales, "confirm_solution")
    expect(status_of(sales)).to_have_text("待寄回")

    # The distributor sees its own case but not the department pages.
    dealer = sign_in(browser, live_server, "dealer")
    dealer.goto(f"{base}/cases/{case.pk}/")
    expect(status_of(dealer)).to_have_text("待寄回")
    assert dealer.goto(f"{base}/approvals/").status == 403

    warehouse = sign_in(browser, live_server, "warehouse", viewport=PHONE)
    warehouse.goto(f"{base}/receiving/?q={case.number}")
    act(warehouse, "receive", fields={f"received_{case.lines.get().id}": "4", "note": "少到 1 台"})
    expect(warehouse.locator(".flash")).to_contain_text("确认实际入库数量")
    expect(warehouse.locator("#h-receipt")).to_contain_text("有差异")  # one short: a discrepancy
    # Three units pass; the fourth was dropped by the shop: rejected with the photo as evidence.
    inspect_units(warehouse, 4, rejected={4: "customer_damage"})
    expect(warehouse.locator(".flash")).to_contain_text("验收退货")
    warehouse.locator("#h-dispose ~ form select").first.select_option("restock")
    with warehouse.expect_navigation():
        warehouse.locator("#h-dispose ~ form button").click()
    expect(warehouse.locator(".unit-row").first).to_contain_text("入可售库存")

    gm = sign_in(browser, live_server, "gm")
    gm.goto(f"{base}/approvals/")
    expect(gm.locator("main")).to_contain_text(
        "暂无待审批的签呈。"
    )  # production has not confirmed the cause yet

    qc = sign_in(browser, live_server, "qc")
    qc.goto(f"{base}/qc/{case.pk}/")
    qc.locator("#act-confirm_cause input[value=true]").check()
    act(
        qc,
        "confirm_cause",
        fields={"responsible_department": "生产部", "handling": "返修后入库"},
        selects={"stage": "production"},
    )

    # The GM sees the petition summary and approves with an opinion; the refund is not his.
    gm.goto(f"{base}/approvals/")
    petition = gm.locator(f"article:has-text('{case.number}')")
    expect(petition).to_contain_text("签呈编号")
    expect(petition).to_contain_text("18,326.10")  # the value of the 5 units claimed
    expect(petition).to_contain_text("实收 4")
    expect(petition).to_contain_text("返修后入库")
    pdf = gm.request.get(f"{base}/cases/{case.pk}/petition.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    act(gm, "gm_approve", fields={"opinion": "同意退货,生产部整改"})
    expect(gm.locator(".flash")).to_contain_text("总经理审批通过")
    gm.goto(f"{base}/cases/{case.pk}/")
    expect(status_of(gm)).to_have_text("总经理已审批")
    expect(gm.locator("#act-refund")).to_have_count(0)

    # The payment gateway refuses the first attempt: the case waits in refund_failed until finance
    # refunds again; the second attempt succeeds and the system completes the case.
    from returndesk.refunds.simulated_gateway import gateway_script

    gateway_script("fail")
    finance = sign_in(browser, live_server, "finance")
    finance.goto(f"{base}/finance/")
    act(finance, "refund", fields={"reference": "HC-CN-2026-0007"})
    failed = finance.locator(f"#h-failed ~ article:has-text('{case.number}')")
    expect(failed).to_contain_text("失败")
    case.refresh_from_db()
    assert case.status == Status.REFUND_FAILED
    sales.goto(f"{base}/cases/{case.pk}/")
    expect(sales.locator("#act-close")).to_have_count(0)
    act(finance, "refund", fields={"reference": "HC-CN-2026-0007-2"})
    expect(finance.locator("main")).to_contain_text("暂无失败的退款。")
    sales.goto(f"{base}/cases/{case.pk}/")
    act(sales, "close")
    expect(status_of(sales)).to_have_text("已关闭")

    # The process diagram is drawn in the browser by the vendored mermaid, with the figures.
    gm.goto(f"{base}/workflow/?type=return_refund")
    expect(gm.locator("html")).to_have_attribute("data-diagram-ready", "true")
    expect(gm.locator("figure.diagram svg")).to_contain_text("已关闭 (1)")

    case.refresh_from_db()
    assert (case.status, str(case.refund_amount)) == (Status.CLOSED, "10995.66")  # 3 units accepted
    assert case.events.get(type="gm_approve").actor == people["gm"]
    assert OUTSIDE == []
