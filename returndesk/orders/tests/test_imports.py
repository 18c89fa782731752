import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from returndesk.catalog.models import Customer, Product, ProductCategory
from returndesk.catalog.tests.factories import make_category, make_customer, make_product
from returndesk.orders.models import Order, OrderLine, Payment
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def run(*args):
    """call_command import_csv; returns (stdout, stderr, CommandError message or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_csv", *[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


def write(tmp_path, name, text, *, bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def db_counts():
    models = (ProductCategory, Product, Customer, Order, OrderLine, Payment)
    return tuple(model.objects.count() for model in models)


PRODUCTS_CSV = """sku,name,category_code,category_name,sanbao_category,warranty_months_unit,warranty_months_main_parts,no_reason_returnable
NB-14,笔记本电脑 14 寸,PC,电脑,computer,12,24,yes
NB-16,笔记本电脑 16 寸,PC,,computer,12,24,no
KT-1,电水壶,HOME,,none,6,6,
"""


def test_given_a_products_file_when_importing_then_products_and_a_named_new_category_are_created(tmp_path):
    # given an existing category HOME; PC is new and named on the first row
    home = make_category(code="HOME")
    path = write(tmp_path, "products.csv", PRODUCTS_CSV)

    # when
    out, err, failure = run("products", path)

    # then
    assert (failure, err) == (None, "")
    assert out == "已导入：类别 1 条，商品 3 条（共 3 行）。\n"
    assert list(
        Product.objects.values_list(
            "sku", "category__code", "sanbao_category", "warranty_months_main_parts", "no_reason_returnable"
        )
    ) == [
        ("KT-1", "HOME", "none", 6, True),
        ("NB-14", "PC", "computer", 24, True),
        ("NB-16", "PC", "computer", 24, False),
    ]
    assert ProductCategory.objects.get(code="PC").name == "电脑"
    assert Product.objects.get(sku="KT-1").category_id == home.pk


def test_given_chinese_headers_and_a_bom_when_importing_products_then_aliases_and_labels_are_understood(
    tmp_path,
):
    # given a file saved by Excel as "CSV UTF-8": BOM, CRLF, Chinese headers and choice labels
    make_category(code="PHONE")
    text = "商品编码,商品名称,类别编码,三包类别,整机保修月数,主要部件保修月数,七天无理由,单位\r\nMP-1,手机,PHONE,移动电话,12,12,否,部\r\n"
    path = write(tmp_path, "商品.csv", text, bom=True)

    # when
    out, err, failure = run("products", path)

    # then
    assert (failure, err, out) == (None, "", "已导入：商品 1 条（共 1 行）。\n")
    product = Product.objects.get()
    assert (product.sku, product.sanbao_category, product.no_reason_returnable, product.unit) == (
        "MP-1",
        "mobile_phone",
        False,
        "部",
    )


def test_given_a_products_file_with_several_errors_when_importing_then_all_are_reported_and_nothing_written(
    tmp_path,
):
    # given: row 3 duplicates row 2's SKU, row 4 has an unknown category and a bad flag,
    # row 5 a shorter main-parts warranty, row 6 no name
    make_product(sku="OLD-1")
    text = (
        "sku,name,category_code,category_name,warranty_months_unit,warranty_months_main_parts,is_active\n"
        "A-1,甲,NEW,新类别,12,12,1\n"
        "A-1,甲二,NEW,,12,12,1\n"
        "A-2,乙,NOPE,,12,12,maybe\n"
        "A-3,丙,NEW,,24,12,1\n"
        "A-4,,NEW,,12,12,1\n"
    )
    path = write(tmp_path, "products.csv", text)
    before = db_counts()

    # when
    out, err, failure = run("products", path)

    # then
    assert err.splitlines() == [
        "第 3 行，列「sku」：SKU A-1 已存在。",
        "第 4 行，列「category_code」：类别编码 NOPE 不存在（填写 category_name 列可新建该类别）。",
        "第 4 行，列「is_active」：应为 是/否（1/0）：maybe",
        "第 5 行，列「warranty_months_main_parts」：主要部件保修期（12 个月）不能短于整机保修期（24 个月）。",
        "第 6 行，列「name」：必填。",
    ]
    assert failure == "5 行中有 5 个错误，未导入任何数据。"
    assert out == ""
    assert db_counts() == before


def test_given_a_bad_file_when_importing_with_lang_en_then_the_report_is_in_english(tmp_path):
    make_product(sku="OLD-1")
    text = "sku,name,category_code,warranty_months_unit\nOLD-1,旧,X,twelve\n"
    path = write(tmp_path, "products.csv", text)

    out, err, failure = run("products", path, "--lang", "en")

    assert err.splitlines() == [
        "row 2, column category_code: Unknown category code X (fill in category_name to create it).",
        "row 2, column warranty_months_unit: Not a whole number: twelve",
    ]
    assert (out, failure) == ("", "2 error(s) in 1 row(s); nothing was imported.")
    assert Product.objects.count() == 1


def test_given_unknown_and_missing_columns_when_importing_then_header_errors_on_row_1(tmp_path):
    path = write(tmp_path, "customers.csv", "code,nmae,colour\nC1,张三,red\n")

    out, err, failure = run("customers", path, "--lang", "en")

    assert err.splitlines() == [
        "row 1: Unknown column: nmae",
        "row 1: Unknown column: colour",
        "row 1: Missing required column: name",
    ]
    assert (out, failure) == ("", "3 error(s) in 0 row(s); nothing was imported.")
    assert Customer.objects.count() == 0


def test_given_a_gbk_encoded_file_when_importing_then_it_asks_for_utf8_and_writes_nothing(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("客户编码,客户名称\nC1,张三\n".encode("gb18030"))

    out, err, failure = run("customers", path)

    assert err.splitlines() == ["第 1 行：文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。"]
    assert (out, failure) == ("", "0 行中有 1 个错误，未导入任何数据。")
    assert Customer.objects.count() == 0


def test_given_a_customers_file_with_chinese_headers_when_importing_then_types_and_languages_map(tmp_path):
    text = "客户编码,客户名称,客户类型,电话,邮箱,语言\nD-1,华东经销商,经销商,021-55550101,d1@example.com,English\nC-1,张三,,13800000000,,\n"
    path = write(tmp_path, "客户.csv", text, bom=True)

    out, err, failure = run("customers", path)

    assert (failure, err, out) == (None, "", "已导入：客户 2 条（共 2 行）。\n")
    assert list(Customer.objects.values_list("code", "type", "preferred_language", "phone")) == [
        ("C-1", "consumer", "zh-hans", "13800000000"),
        ("D-1", "distributor", "en", "021-55550101"),
    ]


ORDERS_CSV = """channel,order_number,customer_code,placed_at,paid_at,delivered_at,order_discount,shipping_fee,payment_method,payment_amount,payment_reference,sku,quantity,unit_price,tax_rate,serial_numbers
own_shop,SO-1,C1,2026-11-01 10:00,2026-11-01 10:01,2026-11-03 15:30,10.00,8.00,alipay,198.00,ALI-001,NB,1,100.00,13%,SN-1
own_shop,SO-1,C1,2026-11-01 10:00,,,,,,,,KT,2,50.00,,
电商平台,TB-9,C1,2026-11-02T09:00:00+08:00,,,,,wechat,30.00,,KT,1,30.00,0.13,
own_shop,SO-1,C1,2026/11/1 10:00,,,,,,,,MP,2,0,,A1|A2
"""


def test_given_an_orders_file_when_importing_then_rows_group_into_orders_with_amounts_and_payments(tmp_path):
    # given
    make_customer(code="C1")
    for sku in ("NB", "KT", "MP"):
        make_product(sku=sku)
    path = write(tmp_path, "orders.csv", ORDERS_CSV)

    # when
    out, err, failure = run("orders", path, "--lang", "en")

    # then SO-1 has three lines (rows 2, 3 and 5), the 10.00 discount split 5.00 / 5.00 / 0.00
    assert (failure, err) == (None, "")
    assert out == "Imported: 2 orders, 4 order lines, 2 payments from 4 row(s).\n"
    so1 = Order.objects.get(number="SO-1")
    assert (so1.channel, so1.customer.code, so1.goods_total, so1.total_paid) == (
        "own_shop",
        "C1",
        D("190.00"),
        D("198.00"),
    )
    assert (so1.placed_at, so1.delivered_at) == (
        datetime(2026, 11, 1, 10, 0, tzinfo=SHANGHAI),
        datetime(2026, 11, 3, 15, 30, tzinfo=SHANGHAI),
    )
    assert list(
        so1.lines.values_list(
            "position", "product__sku", "quantity", "order_discount_share", "paid_amount", "serial_numbers"
        )
    ) == [
        (1, "NB", 1, D("5.00"), D("95.00"), ["SN-1"]),
        (2, "KT", 2, D("5.00"), D("95.00"), []),
        (3, "MP", 2, D("0.00"), D("0.00"), ["A1", "A2"]),
    ]
    assert list(so1.payments.values_list("method", "amount", "provider_reference")) == [
        ("alipay", D("198.00"), "ALI-001")
    ]
    tb9 = Order.objects.get(number="TB-9")
    assert (tb9.channel, tb9.total_paid, tb9.placed_at) == (
        "marketplace",
        D("30.00"),
        datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI),
    )


def test_given_an_orders_file_when_importing_as_a_dry_run_then_counts_are_reported_and_nothing_written(
    tmp_path,
):
    make_customer(code="C1")
    for sku in ("NB", "KT", "MP"):
        make_product(sku=sku)
    path = write(tmp_path, "orders.csv", ORDERS_CSV)
    before = db_counts()

    out, err, failure = run("orders", path, "--dry-run")

    assert (failure, err) == (None, "")
    assert out == "试运行，未写入；将创建：订单 2 条，订单行 4 条，支付记录 2 条（共 4 行）。\n"
    assert db_counts() == before


def test_given_an_orders_file_with_errors_in_several_orders_when_importing_then_each_is_reported_and_nothing_written(
    tmp_path,
):
    # given: SO-1 is valid; SO-2's payment is short; SO-3 has an unknown SKU and a zero quantity;
    # SO-4 names two different customers; SO-5 has an unknown customer and a bad date
    make_customer(code="C1")
    make_customer(code="C2")
    make_product(sku="NB")
    text = (
        "channel,order_number,customer_code,placed_at,payment_method,payment_amount,sku,quantity,unit_price\n"
        "own_shop,SO-1,C1,2026-11-01 10:00,alipay,100.00,NB,1,100.00\n"
        "own_shop,SO-2,C1,2026-11-01 10:00,alipay,99.00,NB,1,100.00\n"
        "own_shop,SO-3,C1,2026-11-01 10:00,,,XX,1,100.00\n"
        "own_shop,SO-3,C1,2026-11-01 10:00,,,NB,0,100.00\n"
        "own_shop,SO-4,C1,2026-11-01 10:00,,,NB,1,100.00\n"
        "own_shop,SO-4,C2,2026-11-01 10:00,,,NB,1,100.00\n"
        "own_shop,SO-5,C9,yesterday,,,NB,1,-5\n"
    )
    path = write(tmp_path, "orders.csv", text)
    before = db_counts()

    # when
    out, err, failure = run("orders", path, "--lang", "en")

    # then
    assert err.splitlines() == [
        "row 3, column payment_amount: The payments add up to 99.00, but the order total is 100.00 "
        "(goods 100.00 + shipping 0.00).",
        "row 4, column sku: Unknown SKU XX.",
        "row 7, column customer_code: Rows of one order disagree here: C2 ≠ C1",
        "row 8, column customer_code: Unknown customer code C9.",
        "row 8, column placed_at: Not a date and time: yesterday (format YYYY-MM-DD HH:MM)",
        "row 8, column unit_price: The value may not be negative: -5.",
    ]
    assert (out, failure) == ("", "6 error(s) in 7 row(s); nothing was imported.")
    assert db_counts() == before


def test_given_an_order_whose_only_error_is_a_line_rule_when_importing_then_the_row_of_that_line_is_named(
    tmp_path,
):
    # given the second line of SO-1 (file row 3) ships more than was ordered
    make_customer(code="C1")
    make_product(sku="NB")
    text = (
        "订单号,渠道,客户编码,下单时间,商品编码,数量,发货数量,单价\n"
        "SO-1,官方商城,C1,2026-11-01 10:00,NB,1,1,100.00\n"
        "SO-1,官方商城,C1,2026-11-01 10:00,NB,1,2,100.00\n"
    )
    path = write(tmp_path, "订单.csv", text, bom=True)

    # when
    out, err, failure = run("orders", path)

    # then
    assert err.splitlines() == ["第 3 行，列「发货数量」：发货数量 2 超过订购数量 1。"]
    assert (out, failure) == ("", "2 行中有 1 个错误，未导入任何数据。")
    assert Order.objects.count() == 0


def test_given_an_existing_order_number_when_importing_then_duplicate_reported_and_other_orders_not_written(
    tmp_path,
):
    # given SO-1 exists already
    make_order(number="SO-1", channel="own_shop", customer=make_customer(code="C1"))
    make_product(sku="NB")
    text = (
        "channel,order_number,customer_code,placed_at,sku,quantity,unit_price\n"
        "own_shop,SO-2,C1,2026-11-01 10:00,NB,1,100.00\n"
        "own_shop,SO-1,C1,2026-11-01 10:00,NB,1,100.00\n"
    )
    path = write(tmp_path, "orders.csv", text)

    # when
    out, err, failure = run("orders", path, "--lang", "en")

    # then
    assert err.splitlines() == [
        "row 3, column order_number: Order number SO-1 already exists in channel own_shop."
    ]
    assert (out, failure) == ("", "1 error(s) in 2 row(s); nothing was imported.")
    assert list(Order.objects.values_list("number", flat=True)) == ["SO-1"]


def test_given_a_missing_file_when_importing_then_command_error():
    out, err, failure = run("orders", "/nonexistent/orders.csv", "--lang", "en")

    assert (out, err, failure) == ("", "", "File not found: /nonexistent/orders.csv")
