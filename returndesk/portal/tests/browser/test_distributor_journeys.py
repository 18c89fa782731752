"""A distributor (issue 9 proof, seed S2): one quality return covering two orders, with a photo,
confirmed, shipped, received, inspected, the cause confirmed, approved by the general manager and
refunded by bank transfer — followed in the portal to the refund; and a non-quality return, uploaded as a CSV file, that the policy
refuses (rule distributor.quality_only) and sales rejects with the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from returndesk.cases import services as cs
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import confirm_cause, inspect_all
from returndesk.catalog.tests.factories import make_product
from returndesk.orders.models import Channel
from returndesk.orders.tests.factories import make_order
from returndesk.refunds.models import Refund

from ..helpers import PNG

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "dealer-pass-1"
PAYEE = {"account_name": "华东经销商", "bank": "招商银行上海分行", "account_number": "6225880212345678"}


@pytest.fixture
def dealer(distributor_user):
    distributor_user.set_password(PASSWORD)
    distributor_user.save(update_fields=["password"])
    monitor = make_product(name="27 英寸显示器", name_en="27-inch monitor", sku="MON-27")
    first = make_order(
        customer=distributor_user.customer,
        channel=Channel.DISTRIBUTOR,
        number="DS-1",
        lines=[(monitor, 10, "1200.00")],
    )
    second = make_order(
        customer=distributor_user.customer,
        channel=Channel.DISTRIBUTOR,
        number="DS-2",
        lines=[(monitor, 20, "1150.00")],
    )
    return distributor_user, first, second


def sign_in(page, username):
    page.goto("/portal/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/portal/$"))


def test_given_a_distributor_when_returning_faulty_goods_of_two_orders_then_one_case_covers_both_to_the_refund(
    phone, dealer, sales, warehouse, qc, gm, finance
):
    user, first, second = dealer
    page = phone
    sign_in(page, user.username)
    page.get_by_role("navigation", name="门户导航").get_by_role("link", name="我的订单").click()
    page.get_by_label("DS-1").check()
    page.get_by_label("DS-2").check()
    page.get_by_role("button", name="退所选订单的商品").click()

    page.locator(f"#qty-{first.lines.get().id}").fill("2")
    page.locator(f"#qty-{second.lines.get().id}").fill("1")
    page.get_by_label("原因").select_option("Q02")
    expect(page.locator("#preview")).to_contain_text("此申请可以受理")
    expect(page.locator("#preview")).to_contain_text("由我们承担")  # quality: we pay the shipping
    page.get_by_label("照片或视频").set_input_files(
        {"name": "坏点.png", "mimeType": "image/png", "buffer": PNG}
    )
    expect(page.locator("#preview")).to_contain_text("请至少上传 1 张问题照片或视频")
    page.get_by_label("说明").fill("两批货各有屏幕坏点")
    page.get_by_role("button", name="提交申请").click()

    case = Case.objects.get()
    expect(page.locator(".flash")).to_contain_text(case.number)
    assert sorted((ln.order_line.order.number, ln.quantity) for ln in case.lines.all()) == [
        ("DS-1", 2),
        ("DS-2", 1),
    ]
    assert case.description == "两批货各有屏幕坏点"
    expect(page.locator(".lines")).to_contain_text("订单 DS-1")
    expect(page.locator(".lines")).to_contain_text("订单 DS-2")

    cs.case_approve(case=case, actor=sales, solution="self_ship")
    page.reload()
    page.get_by_role("button", name="确认此方案").click()
    expect(page.locator(".badge")).to_have_text("待寄回")
    page.get_by_label("快递公司").select_option("SF")
    page.get_by_label("运单号").fill("SF1234567890123")
    page.get_by_role("button", name="保存运单号").click()
    expect(page.locator(".badge")).to_have_text("退货在途")

    # Seed S2: the warehouse receives and inspects, QC confirms the cause, the general manager
    # approves, finance pays by bank transfer; the distributor follows each step in plain words.
    case.refresh_from_db()
    cs.case_receive(case=case, actor=warehouse, received={str(ln.id): ln.quantity for ln in case.lines.all()})
    inspect_all(case, inspector=warehouse)
    confirm_cause(case, qc=qc)
    cs.case_gm_approve(case=case, actor=gm, opinion="同意退货")
    cs.case_refund(case=case, actor=finance, route="bank_transfer", **PAYEE)
    page.reload()
    progress = page.locator("#progress")
    expect(progress).to_contain_text("仓库已收到退货:3 件中收到 3 件。")
    expect(progress).to_contain_text("仓库已完成退货验收。")
    expect(progress).to_contain_text("质量部已检测商品并确认原因。")
    expect(progress).to_contain_text("公司管理层已审批通过。")
    refund = page.locator("#refund")
    expect(refund).to_contain_text("3550.00 元")
    expect(refund).to_contain_text("银行转账")
    expect(refund).to_contain_text("退款处理中")
    expect(page.locator(".next .due")).to_contain_text("预计到账日期")
    assert PAYEE["account_number"] not in page.content()

    expect(refund.locator(".refund-parts li")).to_have_count(2)  # one bank transfer per order
    for n, one in enumerate(Refund.objects.filter(case=case).order_by("amount"), start=1):
        cs.case_refund_confirm_manual(refund=one, actor=finance, reference=f"CMB-000{n}")
    page.reload()
    expect(refund.locator(".badge")).to_have_text("已支付")
    expect(progress).to_contain_text("已退款 3550.00 元。")


def test_given_a_distributor_csv_for_a_non_quality_return_when_submitted_then_the_refusal_and_its_reason_show(
    desktop, dealer, sales
):
    user, _first, _second = dealer
    page = desktop
    sign_in(page, user.username)
    page.get_by_role("link", name="上传 CSV 文件").click()
    csv = "订单号,行号,数量,原因代码,说明\nDS-1,1,3,C01,库存积压\n".encode("utf-8-sig")
    page.get_by_label("CSV 文件").set_input_files({"name": "退货.csv", "mimeType": "text/csv", "buffer": csv})
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator(".verdict")).to_contain_text("此退货不予受理")
    expect(page.locator(".verdict-lines")).to_contain_text("按经销协议,非质量原因的退货不予受理")
    assert Case.objects.count() == 0

    page.get_by_label("CSV 文件").set_input_files({"name": "退货.csv", "mimeType": "text/csv", "buffer": csv})
    page.get_by_role("button", name="提交", exact=True).click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", name="不予受理")).to_be_visible()
    expect(page.locator(".next")).to_contain_text("非质量原因的退货不予受理")

    cs.case_reject(
        case=case, actor=sales, reason="非质量原因,按经销协议不予退货", alternative="可联系销售调换型号"
    )
    page.reload()
    expect(page.locator(".badge")).to_have_text("已拒绝")
    expect(page.locator(".next")).to_contain_text("非质量原因,按经销协议不予退货")
    expect(page.locator(".next")).to_contain_text("可联系销售调换型号")
    page.get_by_role("navigation", name="门户导航").get_by_role("link", name="我的申请").click()
    expect(page.locator(".case-row")).to_contain_text(case.number)
