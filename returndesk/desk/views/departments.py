"""Department pages (seed S2): warehouse receiving (scan, count, photograph), production/QC's
cause form, the general manager's approval inbox with the petition summary (S3 签呈), and
finance's refund queue. Each lists its department's inbox (desk.selectors.inbox_q) and posts
to the same workflow actions as the case page."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from returndesk.accounts.roles import Role
from returndesk.cases import selectors as case_selectors

from .. import selectors
from ..forms import ActionForm, UploadForm
from .common import not_found_as_404, staff_required


def _forms_for(case, user, actions: tuple[str, ...], lines=None) -> list[dict]:
    """The forms of `actions` open to `user` on `case` now (or the reason they are not yet)."""
    lines = list(case.lines.all()) if lines is None else lines
    out = []
    for item in case_selectors.case_available_actions(case=case, user=user):
        if item.action in actions:
            out.append(
                {
                    "item": item,
                    "form": ActionForm(transition=item.transition, case=case, lines=lines),
                    "open": True,
                }
            )
    return out


@staff_required
@require_GET
def receiving(request):
    """Scan or type a case number or tracking number (a phone's camera app or a scanner types
    it); one open match opens its receiving page directly."""
    text = (request.GET.get("q") or "").strip()
    found = selectors.find_for_receiving(user=request.user, text=text) if text else []
    open_found = [c for c in found if c.is_open]
    if text and len(open_found) == 1:
        return redirect("receiving_case", id=open_found[0].pk)
    queue = selectors.department_queue(user=request.user, role=Role.WAREHOUSE, limit=50)
    return render(request, "desk/receiving.html", {"q": text, "found": found, "queue": queue})


@staff_required
@require_GET
def receiving_case(request, id):
    """One case at the receiving bench: the lines with a quantity field each, the photos taken,
    and the camera upload; the receipt posts to the `receive` action."""
    page = not_found_as_404(selectors.case_page, user=request.user, case_id=id)
    case = page.detail.case
    forms = _forms_for(
        case, request.user, ("receive", "ship_replacement", "finish_repair"), page.detail.lines
    )
    return render(
        request,
        "desk/receiving_case.html",
        {"page": page, "case": case, "action_forms": forms, "upload_form": UploadForm(),
         "next": reverse("receiving_case", args=[case.pk])},
    )  # fmt: skip


@staff_required
@require_GET
def qc(request):
    queue = selectors.department_queue(user=request.user, role=Role.QC, limit=50)
    return render(request, "desk/qc.html", {"queue": queue})


@staff_required
@require_GET
def qc_case(request, id):
    """Production/QC's cause form (seed S2 生产确认原因: our product? which stage? whose
    responsibility? how handled?) beside what the customer and the warehouse recorded."""
    page = not_found_as_404(selectors.case_page, user=request.user, case_id=id)
    case = page.detail.case
    forms = _forms_for(
        case, request.user, ("confirm_cause", "start_repair", "finish_repair"), page.detail.lines
    )
    return render(
        request,
        "desk/qc_case.html",
        {"page": page, "case": case, "action_forms": forms, "next": reverse("qc")},
    )


def _petition_rows(request, role: str, actions: tuple[str, ...], limit: int = 20) -> list[dict]:
    rows = []
    for case in selectors.department_queue(user=request.user, role=role, limit=limit):
        rows.append({"case": case, "action_forms": _forms_for(case, request.user, actions)})
    return rows


@staff_required
@require_GET
def approvals(request):
    """The general manager's inbox: each case's petition summary (seed S3: items, reason and
    evidence, handling plan) with approve / reject and an opinion."""
    rows = _petition_rows(request, Role.GM, ("gm_approve", "gm_reject"))
    for row in rows:
        row["summary"] = selectors.petition(case=row["case"], user=request.user)
    return render(request, "desk/approvals.html", {"rows": rows, "next": reverse("approvals")})


@staff_required
@require_GET
def finance(request):
    """Finance's refund queue: cases whose refund is due now, with the refund action. Refund
    records, routes and the ledger export (issue #6) will hang off this page."""
    rows = _petition_rows(request, Role.FINANCE, ("refund",), limit=50)
    return render(request, "desk/finance.html", {"rows": rows, "next": reverse("finance")})
