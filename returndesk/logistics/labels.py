"""The printable return label and packing slip (seed S6 step 4 return instructions; S7 "保持原
包装、发票、赠品等齐全"): one A4 page, the label on top to cut out and stick on the parcel, the packing
slip below to put inside. The case number is printed large and as a QR code made locally with
segno, so the warehouse finds the case by scanning it (inspection receipt lookup).

PDF by WeasyPrint with the system's Noto Sans CJK SC (Debian fonts-noto-cjk); no network access:
every resource is inline.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

QR_BORDER = 4  # modules of quiet zone, as ISO/IEC 18004 asks


def label_qr(case_number: str) -> segno.QRCode:
    """The QR code printed on the label: the case number and nothing else, error level M."""
    return segno.make(case_number, error="m", boost_error=False, micro=False)


def qr_png_data_uri(case_number: str) -> str:
    """One pixel per module (the PDF scales it up with crisp edges), so the picture in the PDF
    can be compared module by module with label_qr(case_number).matrix."""
    return label_qr(case_number).png_data_uri(scale=1, border=QR_BORDER)


def return_label_html(*, case, instructions, language: str = "zh-hans") -> str:
    shipment = instructions.shipment
    lines = list(case.lines.select_related("order_line__order", "order_line__product").order_by("created_at"))
    with translation.override(language):
        return render_to_string(
            "logistics/return_label.html",
            {
                "case": case,
                "shipment": shipment,
                "method": instructions.method_label.split(" / ")[0],
                "deadline": timezone.localtime(instructions.deadline) if instructions.deadline else None,
                "window_start": timezone.localtime(shipment.pickup_window_start)
                if shipment.pickup_window_start else None,
                "window_end": timezone.localtime(shipment.pickup_window_end) if shipment.pickup_window_end else None,
                "lines": lines,
                "qr": qr_png_data_uri(case.number),
                "printed_at": timezone.localtime(),
            },
        )  # fmt: skip


def return_label_pdf(*, case, instructions) -> bytes:
    from weasyprint import HTML

    return HTML(string=return_label_html(case=case, instructions=instructions)).write_pdf()
