"""The printable return label and packing slip: a real PDF (WeasyPrint, Noto Sans CJK SC) whose
text carries the case number, the return address and the lines, and whose QR code is exactly the
one segno encodes for the case number — compared module by module with the picture poppler's
pdfimages takes back out of the PDF (no decoder needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import segno
from PIL import Image

from returndesk.cases import services
from returndesk.cases.tests.helpers import open_case
from returndesk.catalog.tests.factories import make_product
from returndesk.logistics.labels import (
    QR_BORDER,
    label_qr,
    qr_png_data_uri,
    return_label_html,
    return_label_pdf,
)
from returndesk.logistics.selectors import return_instructions
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(consumer, consumer_user, agent):
    product = make_product(name="华辰 UltraBook 14 笔记本电脑", sku="HC-NB14-I7")
    order = make_order(consumer, lines=[{"product": product, "quantity": 2, "unit_price": "5999.00",
                                         "serial_numbers": ["HCNB0001201", "HCNB0001202"]}])  # fmt: skip
    case = open_case(actor=agent, customer=consumer, order_line=order.lines.get(), quantity=1, reason="C01")
    line = case.lines.get()
    line.serial_numbers = ["HCNB0001202"]
    line.save(update_fields=["serial_numbers"])
    services.case_approve(case=case, actor=agent, solution="self_ship")
    services.case_confirm_solution(case=case, actor=consumer_user)
    return case


def test_given_a_case_number_when_the_label_qr_is_made_then_it_encodes_exactly_that_number():
    qr = label_qr("RT-20261126-00042")

    assert (qr.designator, qr.mode, qr.error) == ("1-M", "alphanumeric", "M")  # 17 characters fit version 1
    assert qr.matrix == segno.make("RT-20261126-00042", error="m", boost_error=False, micro=False).matrix
    assert qr_png_data_uri("RT-20261126-00042").startswith("data:image/png;base64,")


def test_given_a_confirmed_return_when_the_label_is_printed_then_the_pdf_text_has_the_case_number_address_and_lines(
    confirmed, tmp_path
):
    pdf = return_label_pdf(case=confirmed, instructions=return_instructions(confirmed))
    path = tmp_path / "label.pdf"
    path.write_bytes(pdf)

    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = "".join(text.split())
    assert flat.count(confirmed.number) >= 3  # the big number, the note for the waybill, the packing slip
    assert "上海市嘉定区叶城路1288号售后收货组" in flat  # the default warehouse's return address
    assert "退货面单" in flat and "装箱单" in flat
    assert "华辰UltraBook14笔记本电脑" in flat and "HC-NB14-I7" in flat and "HCNB0001202" in flat
    assert "寄回期限" in flat  # the SLA ship deadline
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts


def test_given_the_label_pdf_when_its_picture_is_taken_out_then_it_is_the_qr_of_the_case_number_module_for_module(
    confirmed, tmp_path
):
    path = tmp_path / "label.pdf"
    path.write_bytes(return_label_pdf(case=confirmed, instructions=return_instructions(confirmed)))

    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "img")], check=True)
    (picture,) = sorted(Path(tmp_path).glob("img-*.png"))
    image = Image.open(picture).convert("L")
    matrix = label_qr(confirmed.number).matrix
    size = len(matrix) + 2 * QR_BORDER
    assert image.size == (size, size)  # one pixel per module, quiet zone included
    dark = [
        [image.getpixel((x + QR_BORDER, y + QR_BORDER)) < 128 for x in range(len(matrix))]
        for y in range(len(matrix))
    ]
    assert dark == [[bool(v) for v in row] for row in matrix]


def test_given_a_label_when_rendered_as_html_then_the_qr_is_the_inline_png_of_the_case_number(confirmed):
    html = return_label_html(case=confirmed, instructions=return_instructions(confirmed))

    assert f'src="{qr_png_data_uri(confirmed.number)}"' in html
    assert (
        "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    )  # nothing fetched
