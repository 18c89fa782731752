"""Staff pages of improvement (seed S8 2.4 客户满意度评估 and S7 对策): improvement actions with
their measured effect, and the follow-up calls (回访) due. Views parse → one service or
selector → render; DomainErrors become form errors in the user's language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from returndesk.accounts.roles import EXTERNAL_ROLES
from returndesk.cases import services as case_services
from returndesk.cases.models import Case, ReturnReason
from returndesk.cases.services.feedback import CALLERS
from returndesk.core.errors import DomainError
from returndesk.followups.selectors import followups_due

from . import selectors, services
from .forms import ActionForm, CallForm, StatusForm
from .models import ActionStatus


def _staff(request):
    if request.user.role in EXTERNAL_ROLES:
        raise PermissionDenied


def _form_error(form, exc: DomainError) -> None:
    fields = exc.field_messages()
    for name, message in fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not fields:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET"])
def action_list(request):
    _staff(request)
    status = request.GET.get("status", "")
    actions = list(selectors.improvement_list(status=status if status in ActionStatus.values else ""))
    today = timezone.localdate()
    rows = [(a, selectors.improvement_effect(a, today=today)) for a in actions]
    return render(
        request,
        "improvements/list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": ActionStatus.choices,
            "may_open": services._may_open(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request):
    _staff(request)
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action = services.improvement_open(actor=request.user, **data)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, _("Improvement action %(number)s opened.") % {"number": action.number}
                )
                return redirect("improvements:detail", id=action.pk)
    else:
        initial = {"owner": request.user, "started_on": timezone.localdate()}
        reason = ReturnReason.objects.filter(code=request.GET.get("reason", "")).first()
        if reason is not None:
            initial.update(
                reason=reason,
                products=selectors.products_for_reason(reason),
                title=f"{reason.code} {reason.name}",
            )
        if request.GET.get("stage"):
            initial["cause_stage"] = request.GET["stage"]
        form = ActionForm(initial=initial)
    return render(request, "improvements/new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request, id):
    _staff(request)
    try:
        action = selectors.improvement_get(id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    error = None
    if request.method == "POST":
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                services.improvement_set_status(action=action, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("improvements:detail", id=action.pk)
    effect = selectors.improvement_effect(action)
    return render(
        request,
        "improvements/detail.html",
        {
            "action": action,
            "effect": effect,
            "events": action.events.select_related("actor"),
            "next_statuses": [
                (s, label)
                for s, label in ActionStatus.choices
                if s in services.NEXT[ActionStatus(action.status)]
            ],
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_list(request):
    """Closed cases due for a follow-up call today or earlier; agents, supervisors and sales
    record the call's result (cases.services.case_followup_call)."""
    _staff(request)
    may_call = request.user.role in CALLERS
    errors = {}
    if request.method == "POST":
        if not may_call:
            raise PermissionDenied
        case = Case.objects.filter(pk=request.POST.get("case")).first()
        form = CallForm(request.POST)
        if case is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                case_services.case_followup_call(
                    case=case, actor=request.user, outcome=data["outcome"], rating=data["rating"],
                    resolved=data["resolved"], comment=data["comment"], note=data["note"],
                )  # fmt: skip
            except DomainError as exc:
                errors[str(case.pk)] = exc.message
            else:
                messages.success(request, _("Follow-up of %(number)s recorded.") % {"number": case.number})
                return redirect("improvements:followups")
        else:
            errors[str(case.pk)] = "; ".join(str(m) for ms in form.errors.values() for m in ms)
    due = list(followups_due(on=timezone.localdate())[:200])
    return render(
        request,
        "improvements/followups.html",
        {"due": due, "may_call": may_call, "errors": errors, "form": CallForm()},
    )
