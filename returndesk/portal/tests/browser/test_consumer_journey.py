"""A consumer on a phone (issue 9 proof): finds the order with a one-time code sent by real SMTP,
requests a no-reason return with a photo (the policy preview first), confirms self-ship, enters a
tracking number, downloads the return label, sees the refund being paid and then paid (amount,
route, expected date), and rates the service. Staff steps go through the cases services; the
simulated payment gateway settles later and calls back over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from returndesk.cases import services as cs
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import inspect_all
from returndesk.catalog.tests.factories import make_warehouse
from returndesk.followups.models import FollowUp
from returndesk.refunds import simulated_gateway as gateway

from ..helpers import PNG, code_in, make_shop_order

pytestmark = pytest.mark.django_db(transaction=True)
CALLBACK = "/api/v1/refunds/callbacks/gateway"


def test_given_a_consumer_on_a_phone_when_returning_without_reason_then_every_step_is_done_in_the_portal(
    phone, live_server, smtp, consumer, agent, warehouse, finance
):
    page = phone
    order = make_shop_order(consumer)
    mouse = order.lines.get(position=2)
    make_warehouse(name="华东退货仓", return_address="上海市嘉定区安亭镇墨玉路 88 号", is_default=True)

    # Find the order: number + email, then the code from the email.
    page.goto("/portal/")
    expect(page).to_have_url(re.compile(r"/portal/login/"))
    page.get_by_role("link", name="查找我的订单").click()
    page.get_by_label("订单号").fill(order.number)
    page.get_by_label("下单时留的手机号或邮箱").fill("buyer@example.com")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
    (mail,) = smtp.inbox.messages
    page.get_by_label("验证码").fill(code_in(mail))
    page.get_by_role("button", name="打开我的订单").click()
    expect(page.get_by_role("heading", name=f"订单 {order.number}")).to_be_visible()

    # Request: the mouse, no reason, a photo; the preview says what is allowed before submitting.
    page.get_by_role("link", name="申请售后").click()
    page.locator(f"#qty-{mouse.id}").fill("1")
    page.get_by_label("原因").select_option("C01")
    expect(page.locator("#preview")).to_contain_text("此申请可以受理")
    expect(page.locator("#preview")).to_contain_text("退货运费")
    expect(page.locator("#preview details[open] summary")).to_have_text("不想要了:七天无理由退货")
    page.get_by_label("照片或视频").set_input_files(
        {"name": "鼠标.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="提交申请").click()
    case = Case.objects.get()
    expect(page.locator(".flash")).to_contain_text(f"您的工单号是 {case.number}")
    expect(page.locator(".badge")).to_have_text("待审核")
    assert case.attachments.count() == 1

    # Staff offer self-ship; the customer confirms it and ships back.
    cs.case_approve(case=case, actor=agent, solution="self_ship")
    page.reload()
    expect(page.locator("#solution")).to_contain_text("自行寄回")
    page.get_by_role("button", name="确认此方案").click()
    expect(page.locator(".flash")).to_have_text("您确认了处理方案。")
    expect(page.locator("#shipping")).to_contain_text("上海市嘉定区安亭镇墨玉路 88 号")
    expect(page.locator("#shipping")).to_contain_text("请在此时间前寄出")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载退货面单和装箱单(PDF)").click()
    assert download.value.suggested_filename == f"return-label-{case.number}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.get_by_label("快递公司").select_option("SF")
    page.get_by_label("运单号").fill("SF1234567890")  # one digit short: refused, said at the field
    page.get_by_role("button", name="保存运单号").click()
    expect(page.locator(".field-error")).to_contain_text("不符合顺丰速运的格式")
    page.get_by_label("运单号").fill("SF1234567890123")
    page.get_by_role("button", name="保存运单号").click()
    expect(page.locator(".badge")).to_have_text("退货在途")
    expect(page.locator("#progress")).to_contain_text("已填写退货物流:顺丰速运 SF1234567890123。")

    # The warehouse receives and inspects; finance refunds by the original route. The simulated
    # gateway accepts the refund but takes its time: the customer sees it being paid, how much,
    # how it is made up, where it goes and by when it should arrive.
    case.refresh_from_db()
    cs.case_receive(case=case, actor=warehouse, received={str(case.lines.get().id): 1})
    inspect_all(case, inspector=warehouse)
    gateway.gateway_script("pending")
    cs.case_refund(case=case, actor=finance)
    page.reload()
    expect(page.locator(".badge").first).to_have_text("退款中")
    refund = page.locator("#refund")
    expect(refund).to_contain_text("99.00 元")
    expect(refund).to_contain_text("原路退回(支付宝)")
    expect(refund).to_contain_text("退款处理中")
    expect(refund.locator(".refund-components")).to_contain_text("商品")
    expect(page.locator(".next")).to_contain_text("您的退款 99.00 元正在退回")
    expect(page.locator(".next .due")).to_contain_text("预计到账日期")
    expect(page.locator("#progress")).to_contain_text("我们已发起退款:99.00 元,原路退回(支付宝)。")

    # The gateway settles and calls back over HTTP (signed): the case is refunded.
    later = timezone.now() + timedelta(minutes=2)
    gateway.settle_due(now=later)
    assert gateway.deliver_due(post=gateway.http_poster(live_server.url + CALLBACK), now=later) == 1
    page.reload()
    expect(page.locator(".badge").first).to_contain_text("已退款")
    expect(refund.locator(".badge")).to_have_text("已支付")
    expect(page.locator(".next")).to_contain_text("退款 99.00 元已支付:原路退回(支付宝)")
    expect(page.locator("#progress")).to_contain_text("已退款 99.00 元。")

    # Closed: the satisfaction survey (回访).
    case.refresh_from_db()
    cs.case_close(case=case, actor=agent)
    page.reload()
    survey = page.locator("#survey")
    survey.get_by_text("5", exact=True).click()
    survey.get_by_label("是").check()
    survey.get_by_label("评价").fill("退款很快,谢谢")
    survey.get_by_role("button", name="提交评价").click()
    expect(page.locator(".flash")).to_have_text("感谢您的评价。")
    expect(page.locator("#survey")).to_contain_text("您的评分:5 分(满分 5 分)。")
    followup = FollowUp.objects.get(case=case)
    assert (followup.rating, followup.resolved, followup.comment, followup.method) == (
        5,
        True,
        "退款很快,谢谢",
        "portal",
    )
