"""Department pages (seed S2): warehouse receiving (scan, count, photograph), production/QC's
cause form, the general manager's approval inbox with the petition summary (S3 签呈), and
finance's refund queue. Each lists its department's inbox (desk.selectors.inbox_q) and posts
to the same workflow actions as the case page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from returndesk.accounts.roles import Role
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services
from returndesk.core.errors import DomainError
from returndesk.inspection.models import ExtraResolution, Outcome
from returndesk.inspection.selectors import receipt_detail

from .. import selectors
from ..action_inputs import ActionContext
from ..forms import ActionForm, DisposeForm, ExtraResolveForm, UploadForm
from .common import http_status, not_found_as_404, staff_required

# The goods steps at the receiving bench (seed S9 steps 5–6, S2 仓库确认数量): receipt per unit,
# inspection, the exchange's replacement, and what goes back to the customer.
RECEIVING_ACTIONS = (
    "receive", "inspect", "arrange_exchange", "ship_replacement", "finish_repair", "return_unrepaired",
)  # fmt: skip


def _forms_for(case, user, actions: tuple[str, ...], lines=None) -> list[dict]:
    """The forms of `actions` open to `user` on `case` now (or the reason they are not yet)."""
    lines = list(case.lines.all()) if lines is None else lines
    ctx = ActionContext(case, lines)
    out = []
    for item in case_selectors.case_available_actions(case=case, user=user):
        if item.action in actions:
            out.append(
                {
                    "item": item,
                    "form": ActionForm(transition=item.transition, case=case, lines=lines, context=ctx),
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


def _receipt_context(case, *, dispose_form=None, extra_forms=None) -> dict:
    receipt = receipt_detail(case)
    units = [u for line in receipt.lines.all() for u in line.units.all()] if receipt else []
    waiting = [u for u in units if u.outcome and not u.disposition] if receipt and receipt.into_stock else []
    extras = list(receipt.extras.all()) if receipt else []
    extra_forms = extra_forms or {}
    return {
        "receipt": receipt,
        "dispose_form": dispose_form or (DisposeForm(units=waiting) if waiting else None),
        "extras": [
            {"extra": e, "form": extra_forms.get(e.pk) or ExtraResolveForm(prefix=f"x{e.pk.hex[:8]}")}
            for e in extras
        ],
        "extras_open": ExtraResolution.OPEN,
        "rejected": Outcome.REJECTED,
    }


def _receiving_page(request, id, *, status=200, **bound):
    page = not_found_as_404(selectors.case_page, user=request.user, case_id=id)
    case = page.detail.case
    forms = _forms_for(case, request.user, RECEIVING_ACTIONS, page.detail.lines)
    return render(
        request,
        "desk/receiving_case.html",
        {"page": page, "case": case, "action_forms": forms, "upload_form": UploadForm(),
         "next": reverse("receiving_case", args=[case.pk]), **_receipt_context(case, **bound)},
        status=status,
    )  # fmt: skip


@staff_required
@require_GET
def receiving_case(request, id):
    """One case at the receiving bench: the receipt per unit (quantities, serial numbers, what
    arrived over or besides the request), then the inspection of every unit (checklist of its
    category, grade, accept or reject with a reason and photos), the photos taken with the phone's
    camera, and what happens to each unit (disposition) and to each extra item."""
    return _receiving_page(request, id)


@staff_required
@require_POST
def receiving_dispose(request, id):
    """Dispositions of inspected units (cases.services.case_dispose_units: all or nothing)."""
    case = not_found_as_404(case_selectors.case_get_for_user, user=request.user, case_id=id)
    receipt = receipt_detail(case)
    units = (
        [u for line in receipt.lines.all() for u in line.units.all() if u.outcome and not u.disposition]
        if receipt
        else []
    )
    form = DisposeForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.case_dispose_units(case=case, actor=request.user, dispositions=form.dispositions())
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _receiving_page(request, id, status=http_status(exc), dispose_form=form)
        messages.success(request, _("Dispositions recorded."))
        return redirect("receiving_case", id=case.pk)
    return _receiving_page(request, id, status=422, dispose_form=form)


@staff_required
@require_POST
def receiving_extra(request, id, extra_id):
    """Settle an item that arrived over or besides the request (cases.services.case_resolve_extra)."""
    case = not_found_as_404(case_selectors.case_get_for_user, user=request.user, case_id=id)
    form = ExtraResolveForm(request.POST, prefix=f"x{extra_id.hex[:8]}")
    if form.is_valid():
        try:
            services.case_resolve_extra(
                case=case, actor=request.user, extra_id=extra_id, resolution=form.cleaned_data["resolution"],
                note=form.cleaned_data["note"], condition=form.cleaned_data["condition"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _receiving_page(request, id, status=http_status(exc), extra_forms={extra_id: form})
        messages.success(request, _("Extra item settled."))
        return redirect("receiving_case", id=case.pk)
    return _receiving_page(request, id, status=422, extra_forms={extra_id: form})


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
        case,
        request.user,
        ("confirm_cause", "diagnose", "quote_repair", "start_repair", "finish_repair"),
        page.detail.lines,
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
