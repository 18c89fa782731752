"""Distributors (issue 9, seed S2): sign in, see their orders and cases, submit one return that
covers lines of several orders — in the form or as a CSV file (checked row by row, all or
nothing) — and see a non-quality return refused with the reason (policy rule
distributor.quality_only)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returndesk.cases import services as cs
from returndesk.cases.models import Case, CaseEvent
from returndesk.catalog.tests.factories import make_product
from returndesk.orders.models import Channel, OrderLine
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db
CSV_URL = reverse("portal:request_csv")


@pytest.fixture
def dealer_orders(distributor):
    """Two distributor-channel orders: DS-1 (10 monitors, 5 keyboards) and DS-2 (20 monitors)."""
    monitor = make_product(name="27 英寸显示器", name_en="27-inch monitor", sku="MON-27")
    keyboard = make_product(name="机械键盘", name_en="Mechanical keyboard", sku="KB-87")
    first = make_order(
        customer=distributor, channel=Channel.DISTRIBUTOR, number="DS-1",
        lines=[(monitor, 10, "1200.00"), (keyboard, 5, "300.00")],
    )  # fmt: skip
    second = make_order(
        customer=distributor, channel=Channel.DISTRIBUTOR, number="DS-2", lines=[(monitor, 20, "1150.00")]
    )
    return first, second


def csv_post(client, text: str, *, submit=True, type="return_refund"):
    upload = SimpleUploadedFile("returns.csv", text.encode("utf-8-sig"), content_type="text/csv")
    data = {"type": type, "file": upload, "description": "第二季度质量退货"}
    data["submit" if submit else "check"] = "1"
    return client.post(CSV_URL, data)


def test_given_a_distributor_when_listing_orders_then_each_can_be_chosen_for_one_return(
    distributor_client, dealer_orders
):
    html = distributor_client.get(reverse("portal:orders")).content.decode()
    for order in dealer_orders:
        assert f'<input type="checkbox" name="order" value="{order.id}">' in html


def test_given_two_orders_when_one_return_covers_both_then_one_case_has_lines_of_both(
    distributor_client, distributor_user, dealer_orders
):
    first, second = dealer_orders
    monitor1 = first.lines.get(position=1)
    monitor2 = second.lines.get(position=1)
    form = distributor_client.get(reverse("portal:request"), {"order": [first.id, second.id]})
    assert form.status_code == 200
    assert [o.number for o in form.context["form"].orders] == ["DS-2", "DS-1"]  # newest first

    response = distributor_client.post(
        reverse("portal:request"),
        {"order": [str(first.id), str(second.id)], f"qty-{monitor1.id}": "2", f"qty-{monitor2.id}": "3",
         "type": "return_refund", "reason": "Q02", "description": "屏幕亮点"},
    )  # fmt: skip

    case = Case.objects.get()
    assert response.status_code == 302
    assert sorted((ln.order_line.order.number, ln.quantity) for ln in case.lines.all()) == [
        ("DS-1", 2),
        ("DS-2", 3),
    ]
    assert (case.customer_id, case.created_by_id) == (distributor_user.customer_id, distributor_user.id)


def test_given_a_valid_csv_when_submitted_then_one_case_covers_every_row(distributor_client, dealer_orders):
    text = "订单号,行号,数量,原因代码,说明\nDS-1,1,2,Q02,坏点\nDS-2,1,4,Q01,不开机\nDS-1,2,1,Q03,按键失灵\n"
    response = csv_post(distributor_client, text)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:case", args=[case.id])
    assert sorted((ln.order_line.order.number, ln.order_line.position, ln.quantity, ln.reason.code, ln.description)
                  for ln in case.lines.all()) == [
        ("DS-1", 1, 2, "Q02", "坏点"), ("DS-1", 2, 1, "Q03", "按键失灵"), ("DS-2", 1, 4, "Q01", "不开机"),
    ]  # fmt: skip
    assert case.description == "第二季度质量退货"


def test_given_english_headers_and_skus_when_checked_then_the_preview_shows_and_nothing_is_written(
    distributor_client, dealer_orders
):
    text = "order_number,sku,quantity,reason\nDS-1,MON-27,1,Q02\nDS-1,kb-87,2,Q03\n"
    response = csv_post(distributor_client, text, submit=False)
    assert response.status_code == 200
    assert response.context["parsed"].ok and response.context["preview"].decision.eligible
    assert Case.objects.count() == 0


def test_given_a_csv_with_errors_when_submitted_then_every_row_error_is_listed_and_nothing_is_written(
    distributor_client, dealer_orders, other_consumer
):
    foreign = make_order(customer=other_consumer, number="OTHER-1")
    text = (
        "订单号,行号,数量,原因代码\n"
        "DS-1,1,2,Q02\n"        # row 2: fine
        "DS-1,1,1,Q02\n"        # row 3: same line as row 2
        "DS-2,1,21,Q01\n"       # row 4: more than returnable
        "NOPE,1,1,Q01\n"        # row 5: no such order
        "OTHER-1,1,1,Q01\n"     # row 6: another customer's order
        "DS-1,9,1,Q01\n"        # row 7: no such line
        "DS-1,2,1,Q\n"          # row 8: a reason group
        "DS-1,2,x,Q01\n"        # row 9: not a number
    )  # fmt: skip
    held = list(OrderLine.objects.order_by("id").values_list("quantity_held", flat=True))

    response = csv_post(distributor_client, text)

    assert response.status_code == 422
    errors = [(e.row, e.code) for e in response.context["parsed"].errors]
    assert errors == [
        (9, "import.invalid_integer"), (3, "portal.csv_duplicate"), (4, "portal.csv_quantity"),
        (5, "portal.csv_order"), (6, "portal.csv_order"), (7, "portal.csv_line"), (8, "portal.csv_reason"),
    ]  # fmt: skip
    html = response.content.decode()
    assert (
        "第 4 行,列「数量」:可退数量为 20,填写了 21" in html
        or "第 4 行，列「数量」：可退数量为 20,填写了 21" in html
    )
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert list(OrderLine.objects.order_by("id").values_list("quantity_held", flat=True)) == held
    assert foreign.lines.get().quantity_held == 0


def test_given_a_csv_without_required_columns_when_uploaded_then_the_header_is_refused(
    distributor_client, dealer_orders
):
    response = csv_post(distributor_client, "订单号,数量\nDS-1,1\n")
    assert response.status_code == 422
    assert [e.code for e in response.context["parsed"].errors] == ["import.missing_column"]
    assert Case.objects.count() == 0


def test_given_a_non_quality_return_when_previewed_then_it_says_it_will_not_be_accepted(
    distributor_client, dealer_orders
):
    first, _second = dealer_orders
    monitor = first.lines.get(position=1)
    response = distributor_client.post(
        reverse("portal:preview"),
        {"order": str(first.id), f"qty-{monitor.id}": "2", "type": "return_refund", "reason": "C01"},
    )
    decision = response.context["preview"].decision
    assert [(ln.rule, ln.refused_at) for ln in decision.lines] == [("distributor.quality_only", "review")]
    assert "按经销协议,非质量原因的退货不予受理" in response.content.decode()


def test_given_a_non_quality_return_when_submitted_then_the_case_shows_the_refusal_then_sales_rejection(
    distributor_client, dealer_orders, sales
):
    text = "订单号,行号,数量,原因代码\nDS-1,2,2,C01\n"
    response = csv_post(distributor_client, text)
    case = Case.objects.get()
    assert response.status_code == 302
    page = distributor_client.get(reverse("portal:case", args=[case.id]))
    assert page.context["page"].refusal.startswith("您好,按经销协议,非质量原因的退货不予受理")
    assert "按经销协议" in page.content.decode()
    listing = distributor_client.get(reverse("portal:cases")).context["rows"]
    assert [row.refused for row in listing] == [True]

    cs.case_reject(
        case=case, actor=sales, reason="非质量原因,按经销协议不予退货", alternative="可联系销售调换型号"
    )
    page = distributor_client.get(reverse("portal:case", args=[case.id]))
    html = page.content.decode()
    assert "非质量原因,按经销协议不予退货" in html and "可联系销售调换型号" in html
    assert page.context["page"].refusal == ""
