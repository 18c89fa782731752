"""Printable documents as PDF (WeasyPrint, Noto Sans CJK SC): the return request form (seed S6
退货申请单) and the return petition with its approval trail (seed S3 退货签呈)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from returndesk.cases import selectors as case_selectors

from .. import selectors
from .common import not_found_as_404, staff_required


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML  # imported here: loading it costs ~0.3 s and most requests never print

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@staff_required
@require_GET
def request_form_pdf(request, id):
    case = not_found_as_404(case_selectors.case_get_for_user, user=request.user, case_id=id)
    doc = selectors.request_form(case=case, user=request.user)
    return pdf_response(
        request, "desk/documents/request_form.html", {"doc": doc}, f"退货申请单-{case.number}.pdf"
    )


@staff_required
@require_GET
def petition_pdf(request, id):
    case = not_found_as_404(case_selectors.case_get_for_user, user=request.user, case_id=id)
    doc = selectors.petition(case=case, user=request.user)
    return pdf_response(request, "desk/documents/petition.html", {"doc": doc}, f"退货签呈-{case.number}.pdf")
