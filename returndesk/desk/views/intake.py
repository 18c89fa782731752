"""Intake by phone or email (seed S8 2.1 受理渠道, S9 steps 1–2): find the customer (by phone,
code, email, name or an order number), pick the order lines, and see the policy's decision
while typing; submitting opens the case through cases.services.case_create."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from returndesk.accounts.roles import Role
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services
from returndesk.cases.models import LINELESS_TYPES, CaseChannel, CaseType, Priority
from returndesk.cases.policy import OVERRIDE_ROLES
from returndesk.core.errors import DomainError

from .. import selectors
from ..forms import DeskForm, _choices
from .common import http_status, roles_required

INTAKE_STAFF = (Role.AGENT, Role.SUPERVISOR, Role.SALES)
STAFF_CHANNELS = (
    CaseChannel.PHONE,
    CaseChannel.EMAIL,
    CaseChannel.CHAT,
    CaseChannel.WEB,
    CaseChannel.DISTRIBUTOR_NOTICE,
)


class IntakeForm(DeskForm):
    customer = forms.CharField(widget=forms.HiddenInput, max_length=40)
    type = forms.ChoiceField(label=gettext_lazy("Request type"))
    channel = forms.ChoiceField(label=gettext_lazy("Received by"))
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False)
    contact_name = forms.CharField(label=gettext_lazy("Contact"), max_length=100, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Contact phone"), max_length=32, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("Contact email"), required=False)
    description = forms.CharField(
        label=gettext_lazy("What the customer says"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Open although the policy refuses, because"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = _choices(CaseType.choices, blank=False)
        self.fields["channel"].choices = _choices([(c.value, c.label) for c in STAFF_CHANNELS], blank=False)
        self.fields["priority"].choices = [("", _("Automatic")), *_choices(Priority.choices, blank=False)]
        if user is None or user.role not in OVERRIDE_ROLES:
            del self.fields["override_reason"]


def parse_lines(post, offered: list) -> tuple[list[dict], dict[str, str], list]:
    """The chosen order lines as case_create takes them, in the order offered, with per-line
    errors of form (keyed by order line id) and the chosen order line ids in spec order."""
    chosen = set(post.getlist("line"))
    specs, errors, ids = [], {}, []
    for item in offered:
        key = str(item.order_line.id)
        if key not in chosen:
            continue
        raw = (post.get(f"qty_{key}") or "").strip()
        try:
            quantity = int(raw)
        except ValueError:
            errors[key] = _("Enter the quantity as a whole number.")
            quantity = None
        serials = [
            s for s in (post.get(f"serials_{key}") or "").replace(",", " ").replace(",", " ").split() if s
        ]
        specs.append(
            {
                "order_line": key,
                "quantity": quantity,
                "reason": post.get(f"reason_{key}") or "",
                "serial_numbers": serials,
            }
        )
        ids.append(key)
    return specs, errors, ids


def _line_errors_from(exc: DomainError, ids: list) -> dict[str, str]:
    """Map the service's `lines[n]…` fields (1-based, in spec order) to order line ids."""
    import re

    out = {}
    for name, message in exc.field_messages().items():
        match = re.match(r"lines\[(\d+)\]", name)
        if match and 0 < int(match.group(1)) <= len(ids):
            out[ids[int(match.group(1)) - 1]] = message
    return out


def _context(request, customer, form, *, order_number="", line_errors=None, decision=None, error=""):
    offered = selectors.intake_lines(customer=customer, order_number=order_number) if customer else []
    post = request.POST if request.method == "POST" else None
    rows = []
    for item in offered:
        key = str(item.order_line.id)
        rows.append(
            {
                "item": item,
                "key": key,
                "checked": bool(post and key in post.getlist("line")),
                "qty": (post.get(f"qty_{key}") if post else "") or "",
                "reason": (post.get(f"reason_{key}") if post else "") or "",
                "serials": (post.get(f"serials_{key}") if post else "") or "",
                "error": (line_errors or {}).get(key, ""),
            }
        )
    return {
        "customer": customer,
        "form": form,
        "rows": rows,
        "order_number": order_number,
        "reasons": selectors.leaf_reasons(),
        "decision": decision,
        "error": error,
        "lineless_types": sorted(LINELESS_TYPES),
    }


@roles_required(*INTAKE_STAFF)
@require_http_methods(["GET", "POST"])
def intake(request):
    code = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    customer = selectors.customer_for_intake(user=request.user, code=code) if code else None
    order_number = (request.GET.get("order") or request.POST.get("order") or "").strip()
    if request.method == "GET":
        initial = {"customer": customer.code if customer else "", "channel": CaseChannel.PHONE}
        if customer is not None:
            initial |= {"contact_name": customer.contact_name or customer.name, "contact_phone": customer.phone,
                        "contact_email": customer.email}  # fmt: skip
            if customer.type == "distributor" and request.user.role == Role.SALES:
                initial["channel"] = CaseChannel.DISTRIBUTOR_NOTICE
        form = IntakeForm(initial=initial, user=request.user)
        context = _context(request, customer, form, order_number=order_number)
        text = request.GET.get("q", "")
        context["hits"] = (
            selectors.customer_search(user=request.user, text=text) if text and not customer else []
        )
        return render(request, "desk/intake.html", context)
    form = IntakeForm(request.POST, user=request.user)
    if customer is None:
        messages.error(request, _("Choose the customer first."))
        return redirect("intake")
    offered = selectors.intake_lines(customer=customer, order_number=order_number)
    specs, line_errors, ids = parse_lines(request.POST, offered)
    status, error = 422, ""
    if form.is_valid() and not line_errors:
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=request.user,
                customer=customer,
                type=data["type"],
                channel=data["channel"],
                lines=specs,
                description=data["description"],
                priority=data["priority"] or None,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                override_reason=data.get("override_reason", ""),
            )
        except DomainError as exc:
            status, error = http_status(exc), exc.message
            line_errors = _line_errors_from(exc, ids)
            for name, message in exc.field_messages().items():
                if name in form.fields and name != "customer":
                    form.add_error(name, message)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("case_detail", id=case.pk)
    context = _context(
        request, customer, form, order_number=order_number, line_errors=line_errors, error=error
    )
    return render(request, "desk/intake.html", context, status=status)


@roles_required(*INTAKE_STAFF)
@require_GET
def intake_customers(request):
    """htmx: the customers the search box names, as you type."""
    text = request.GET.get("q", "")
    found = selectors.customer_search(user=request.user, text=text)
    return render(request, "desk/_intake_customers.html", {"customers": found, "q": text.strip()})


@roles_required(*INTAKE_STAFF)
@require_POST
def intake_preview(request):
    """htmx: the policy's decision on the request as it stands (nothing is written)."""
    customer = selectors.customer_for_intake(user=request.user, code=request.POST.get("customer"))
    if customer is None:
        return render(request, "desk/_intake_decision.html", {"error": _("Choose the customer first.")})
    case_type = request.POST.get("type") or ""
    offered = selectors.intake_lines(customer=customer, order_number=request.POST.get("order") or "")
    specs, line_errors, _ids = parse_lines(request.POST, offered)
    context = {"decision": None, "error": "", "needs_lines": False}
    if line_errors:
        context["error"] = next(iter(line_errors.values()))
    elif not specs and case_type not in LINELESS_TYPES:
        context["needs_lines"] = True
    else:
        try:
            context["decision"] = case_selectors.eligibility_check(
                user=request.user, customer=customer, case_type=case_type, lines=specs
            )
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "desk/_intake_decision.html", context)
