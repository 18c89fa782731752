"""Finance's page (seed S2 财务冲账, S9 step 7 财务付款): the refund queue by state — cases to
refund (and failed ones to retry), refunds pending at a provider (ask it now) or waiting for a
bank transfer finance confirms with its reference — the exchanges' price differences to confirm,
credit notes, and the ledger export (CSV) by date range. Every write is one cases or refunds
service; the roles are theirs (refunds.services: finance acts, the general manager reads)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from returndesk.accounts.roles import Role
from returndesk.cases import services as case_services
from returndesk.cases.models import Status
from returndesk.core.errors import DomainError
from returndesk.refunds import selectors as refund_selectors
from returndesk.refunds import services as refund_services
from returndesk.refunds.models import ProviderCode, RefundStatus

from .. import selectors
from ..forms import CreditNoteFilterForm, ExportForm, RefundConfirmForm, RefundFailForm
from .common import http_status, roles_required
from .departments import _forms_for

# Who opens the page: finance works on it; the general manager (api LEDGER_READERS) and the
# customer-service supervisor read it. The services refuse anyone but finance acting.
FINANCE_PAGE_ROLES = (Role.FINANCE, Role.GM, Role.SUPERVISOR)


def _queue_rows(request) -> list[dict]:
    rows = []
    for case in selectors.department_queue(user=request.user, role=Role.FINANCE, limit=50):
        rows.append(
            {
                "case": case,
                "action_forms": _forms_for(case, request.user, ("refund", "confirm_payment")),
                "refunds": refund_selectors.refunds_of_case(case.pk)
                if case.status == Status.REFUND_FAILED
                else [],
            }
        )
    return rows


def _prefix(refund, kind: str) -> str:
    """Each refund's forms have their own field ids (several are on the page)."""
    return f"{kind}{refund.pk.hex[:8]}"


def finance_context(request, *, bound: dict | None = None) -> dict:
    bound = bound or {}
    filters = CreditNoteFilterForm(request.GET or None)
    date_from = date_to = None
    if filters.is_valid():
        date_from, date_to = filters.cleaned_data.get("issued_from"), filters.cleaned_data.get("issued_to")
    pending = list(
        refund_selectors.refund_list(user=request.user, status=RefundStatus.PENDING).order_by("created_at")[
            :100
        ]
    )
    rows = _queue_rows(request)
    return {
        "to_refund": [r for r in rows if r["case"].status != Status.REFUND_FAILED],
        "failed": [r for r in rows if r["case"].status == Status.REFUND_FAILED],
        "manual": [
            {
                "refund": r,
                "confirm": bound.get("confirm", {}).get(r.pk) or RefundConfirmForm(prefix=_prefix(r, "c")),
                "fail": bound.get("fail", {}).get(r.pk) or RefundFailForm(prefix=_prefix(r, "f")),
            }
            for r in pending
            if r.provider == ProviderCode.MANUAL
        ],
        "at_provider": [r for r in pending if r.provider != ProviderCode.MANUAL],
        "flagged": list(refund_selectors.refunds_flagged().select_related("case")[:50]),
        "credit_notes": list(
            refund_selectors.credit_note_list(date_from=date_from, date_to=date_to).order_by("-issued_at")[
                :100
            ]
        ),
        "note_filters": filters,
        "exports": list(refund_selectors.export_list().order_by("-created_at")[:20]),
        "export_form": bound.get("export") or ExportForm(),
        "is_finance": request.user.role == Role.FINANCE or request.user.is_superuser,
        "next": reverse("finance"),
    }


@roles_required(*FINANCE_PAGE_ROLES)
@require_GET
def finance(request):
    return render(request, "desk/finance.html", finance_context(request))


def _refund(request, refund_id):
    try:
        return refund_selectors.refund_get(user=request.user, refund_id=refund_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _refused(request, exc: DomainError, bound: dict):
    messages.error(request, exc.message)
    return render(
        request, "desk/finance.html", finance_context(request, bound=bound), status=http_status(exc)
    )


@roles_required(*FINANCE_PAGE_ROLES)
@require_POST
def refund_confirm(request, refund_id):
    """A manual refund (bank transfer) paid: finance enters the bank's reference."""
    refund = _refund(request, refund_id)
    form = RefundConfirmForm(request.POST, prefix=_prefix(refund, "c"))
    if form.is_valid():
        try:
            case_services.case_refund_confirm_manual(
                refund=refund, actor=request.user, reference=form.cleaned_data["reference"]
            )
        except DomainError as exc:
            form.add_error("reference", exc.message)
            return _refused(request, exc, {"confirm": {refund.pk: form}})
        messages.success(request, _("Refund %(number)s confirmed as paid.") % {"number": refund.number})
        return redirect("finance")
    return render(
        request,
        "desk/finance.html",
        finance_context(request, bound={"confirm": {refund.pk: form}}),
        status=422,
    )


@roles_required(*FINANCE_PAGE_ROLES)
@require_POST
def refund_fail(request, refund_id):
    """A manual refund that could not be paid (account closed, name mismatch…): the case becomes
    refund_failed and may be refunded again."""
    refund = _refund(request, refund_id)
    form = RefundFailForm(request.POST, prefix=_prefix(refund, "f"))
    if form.is_valid():
        try:
            case_services.case_refund_fail_manual(
                refund=refund, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error("reason", exc.message)
            return _refused(request, exc, {"fail": {refund.pk: form}})
        messages.success(request, _("Refund %(number)s recorded as failed.") % {"number": refund.number})
        return redirect("finance")
    return render(
        request, "desk/finance.html", finance_context(request, bound={"fail": {refund.pk: form}}), status=422
    )


@roles_required(*FINANCE_PAGE_ROLES)
@require_POST
def refund_attend(request, refund_id):
    """Ask the provider now (send it if it was never sent, else ask for its outcome)."""
    refund = _refund(request, refund_id)
    try:
        updated = case_services.case_refund_attend(refund=refund, actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, {})
    messages.success(
        request,
        _("Refund %(number)s: %(status)s")
        % {"number": updated.number, "status": updated.get_status_display()},
    )
    return redirect("finance")


@roles_required(*FINANCE_PAGE_ROLES)
@require_POST
def export_create(request):
    """A ledger export of the credit notes issued in a date range that no export took yet."""
    form = ExportForm(request.POST)
    if form.is_valid():
        try:
            export = refund_services.credit_note_export_create(
                actor=request.user,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _refused(request, exc, {"export": form})
        messages.success(
            request,
            _("Export %(number)s: %(count)s credit notes.")
            % {"number": export.number, "count": export.notes_count},
        )
        return redirect("finance")
    return render(request, "desk/finance.html", finance_context(request, bound={"export": form}), status=422)


@roles_required(*FINANCE_PAGE_ROLES)
@require_GET
def export_csv(request, export_id):
    """The export's journal lines as CSV (UTF-8 with BOM for spreadsheet programs), the same
    bytes as the API's download."""
    try:
        export = refund_selectors.export_get(export_id=export_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    text = refund_services.credit_note_export_csv(export=export)
    response = HttpResponse(("\ufeff" + text).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.number}.csv"'
    return response
