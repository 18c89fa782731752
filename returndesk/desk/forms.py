"""Forms of the staff pages. The action forms are built from the workflow declaration: each
transition's Inputs become fields (the widget chosen by the input's name), so a new input in
cases/workflow.py appears on the page without a change here (as a text field by default)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from returndesk.cases.models import CaseCause, CaseChannel, CaseType, Priority, ReasonClass, Status
from returndesk.cases.services.transitions import REPAIR_SOLUTIONS, RETURN_SOLUTIONS
from returndesk.cases.workflow import Transition
from returndesk.core.errors import DomainError
from returndesk.core.i18n import pick, pick_pair
from returndesk.logistics.carriers import CARRIERS
from returndesk.logistics.models import ReturnMethod
from returndesk.orders.models import PaymentMethod
from returndesk.refunds.models import Route
from returndesk.repairs.models import Exclusion
from returndesk.repairs.models import Outcome as RepairOutcome
from returndesk.replies.models import Stage
from returndesk.sla.selectors import SlaState

from .action_inputs import STRUCTURED, ActionContext
from .selectors import QUEUES, CaseFilters, leaf_reasons

# Text inputs kept in a bounded column (cases.models), with that bound.
SHORT_TEXT = {
    "tracking_number": 64,
    "reference": 64,
    "responsible_department": 100,
    "responsible_person": 100,
    "technician": 100,
    "pickup_contact": 100,
    "pickup_phone": 40,
    "account_name": 100,
    "bank": 100,
    "account_number": 40,
    "payment_reference": 64,
    "batch_lot": 64,
}
LONG_TEXT_MAX = 5000


class DeskForm(forms.Form):
    """Labels without a colon; required and invalid fields marked for the stylesheet."""

    required_css_class = "required"
    error_css_class = "invalid"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _choices(choices, blank: bool = True) -> list[tuple[str, str]]:
    picked = [(value, pick(label)) for value, label in choices]
    return [("", "—"), *picked] if blank else picked


def _choice(options, common, *, blank=True) -> forms.ChoiceField:
    return forms.ChoiceField(choices=_choices(options, blank=blank), **common)


def _datetime_field(common) -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        **common,
    )


def _money_field(common) -> forms.DecimalField:
    return forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": 0}), **common,
    )  # fmt: skip


def _input_field(
    transition: Transition, name: str, label: str, required: bool, ctx: ActionContext
) -> forms.Field:
    """One single-valued input's field; the choices offered are the ones the services accept."""
    case = ctx.case
    common = {"label": label, "required": required}
    if name == "solution":
        options = REPAIR_SOLUTIONS if case.type == CaseType.REPAIR else RETURN_SOLUTIONS
        return _choice(options.items(), common)
    if name == "carrier":
        return forms.ChoiceField(
            choices=[("", "—"), *((c.code, pick_pair(c.zh, c.en)) for c in CARRIERS.values())], **common
        )
    if name == "is_our_product":
        return forms.TypedChoiceField(
            choices=[("true", pick("是 / Yes")), ("false", pick("否 / No"))],
            coerce=lambda v: v == "true",
            widget=forms.RadioSelect,
            **common,
        )
    if name == "stage":
        return _choice(CaseCause.Stage.choices, common)
    if name in ("visit_at", "pickup_window_start", "pickup_window_end"):
        return _datetime_field(common)
    if name == "return_method":
        return _choice(ReturnMethod.choices, common)
    if name == "route":
        return _choice(Route.choices, common)
    if name == "payment_method":
        return _choice(PaymentMethod.choices, common)
    if name == "exclusion":
        return _choice(Exclusion.choices, common)
    if name == "warehouse":
        return forms.ChoiceField(choices=[("", "—"), *ctx.warehouses], **common)
    if name == "fault":
        groups = [
            (pick(label), [(r.code, f"{r.code} {pick_pair(r.name, r.name_en)}") for r in reasons])
            for label, reasons in leaf_reasons()
        ]
        return forms.ChoiceField(choices=[("", "—"), *groups], **common)
    if name == "labour":
        return _money_field(common)
    if transition.action == "finish_repair" and name == "outcome":
        return _choice([(o.value, o.label) for o in (RepairOutcome.FIXED, RepairOutcome.NOT_FIXED)], common)
    if transition.action == "record_inspection" and name == "result":
        return _choice([("passed", "通过 / Passed"), ("issues_found", "发现问题 / Issues found")], common)
    if name in SHORT_TEXT:
        attrs = {"autocomplete": "off"}
        if name == "tracking_number":
            attrs |= {"autocapitalize": "characters", "spellcheck": "false"}
        return forms.CharField(max_length=SHORT_TEXT[name], widget=forms.TextInput(attrs=attrs), **common)
    return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}), **common)


class ActionForm(DeskForm):
    """One workflow action on one case. `version` is the case version the form was drawn from:
    the service refuses the action if the case changed since (a stale form). Structured inputs
    (per line, per unit, parts…) are groups of fields (desk.action_inputs)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args, transition: Transition, case, lines=(), context: ActionContext | None = None, **kwargs
    ):
        kwargs.setdefault("prefix", transition.action)
        kwargs.setdefault("initial", {"version": case.version})
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.case = case
        self.received_lines = []
        self.unit_rows = []
        self.grouped_names: set[str] = set()  # fields drawn in their own table or fieldset
        ctx = context or ActionContext(case, lines)
        for item in transition.inputs:
            label = pick_pair(item.zh, item.en)
            structured = STRUCTURED.get(item.name)
            if structured is not None:
                structured.add(self, label, item.required, ctx)
            else:
                self.fields[item.name] = _input_field(transition, item.name, label, item.required, ctx)

    @property
    def action(self) -> str:
        return self.transition.action

    def inputs(self) -> dict:
        """The cleaned values as the service takes them (the same shapes as the API's)."""
        data = self.cleaned_data
        inputs = {}
        for item in self.transition.inputs:
            structured = STRUCTURED.get(item.name)
            if structured is not None:
                value = structured.value(self, data)
                if value not in (None, {}, []) or item.required:
                    inputs[item.name] = value
            elif item.name in data and data[item.name] not in (None, ""):
                value = data[item.name]
                inputs[item.name] = str(value) if isinstance(value, Decimal) else value
        return inputs

    def add_domain_error(self, exc: DomainError) -> None:
        """Show a refusal of the service: its field messages on their fields, its message on top."""
        for name, message in exc.field_messages().items():
            target = name
            if name not in self.fields:
                for structured in STRUCTURED.values():
                    target = structured.target(self, name) or target
            if target in self.fields and target != "version":
                self.add_error(target, message)
        self.add_error(None, exc.message)


class NoteForm(DeskForm):
    text = forms.CharField(
        label=_("Message"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class UploadForm(DeskForm):
    file = forms.FileField(label=_("File"))


class AssignForm(DeskForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Unassigned"))] + [(str(u.pk), str(u)) for u in staff]


class PriorityForm(DeskForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    priority = forms.ChoiceField(label=_("Priority"), choices=())
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = _choices(Priority.choices, blank=False)


class ReasonForm(DeskForm):
    """Evidence waiver and policy override: a reason is required (cases.services.policy)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- the case list ----------------------------------------------------------------------------


class CaseFilterForm(DeskForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Case, order, phone, tracking or serial number")}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    reason_class = forms.ChoiceField(label=_("Reason class"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    created_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sla_state = forms.ChoiceField(label=_("Service level"), required=False)
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    order = forms.ChoiceField(label=_("Order"), required=False)

    FILTER_NAMES = (
        "q", "status", "type", "priority", "reason_class", "channel", "customer", "created_from",
        "created_to", "sla_state", "queue", "order",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _choices(Status.choices)
        self.fields["type"].choices = _choices(CaseType.choices)
        self.fields["priority"].choices = _choices(Priority.choices)
        self.fields["reason_class"].choices = _choices(ReasonClass.choices)
        self.fields["channel"].choices = _choices(CaseChannel.choices)
        self.fields["sla_state"].choices = _choices(SlaState.choices)
        self.fields["queue"].choices = _choices((k, q.label) for k, q in QUEUES.items())
        self.fields["order"].choices = [("", _("Newest first")), ("oldest", _("Oldest first"))]

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            q=data.get("q") or "",
            status=data.get("status") or "",
            type=data.get("type") or "",
            priority=data.get("priority") or "",
            channel=data.get("channel") or "",
            reason_class=data.get("reason_class") or "",
            customer=data.get("customer") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            sla_state=data.get("sla_state") or "",
            queue=data.get("queue") or "",
            oldest_first=data.get("order") == "oldest",
        )

    def as_query(self) -> dict[str, str]:
        """The filters in use, as strings (for saved views and links)."""
        data = self.cleaned_data
        out = {}
        for name in self.FILTER_NAMES:
            value = data.get(name)
            if value not in (None, ""):
                out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out


class SavedViewForm(DeskForm):
    name = forms.CharField(label=_("Name of this view"), max_length=60)


# --- reply templates --------------------------------------------------------------------------


class ReplyTemplateForm(DeskForm):
    stage = forms.ChoiceField(label=_("Script stage"))
    title = forms.CharField(label=_("Title (Chinese)"), max_length=100)
    title_en = forms.CharField(label=_("Title (English)"), max_length=100)
    body = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea(attrs={"rows": 5}))
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 5}))
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _choices(Stage.choices)

    def add_domain_error(self, exc: DomainError) -> None:
        for name, message in exc.field_messages().items():
            self.add_error(name if name in self.fields else None, message)
        if not exc.fields:
            self.add_error(None, exc.message)


# --- finance ----------------------------------------------------------------------------------


class RefundConfirmForm(DeskForm):
    reference = forms.CharField(
        label=_("Bank transfer reference"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RefundFailForm(DeskForm):
    reason = forms.CharField(label=_("Why it could not be paid"), max_length=300)


class ExportForm(DeskForm):
    date_from = forms.DateField(label=_("Issued from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Issued until"), widget=forms.DateInput(attrs={"type": "date"}))


class CreditNoteFilterForm(DeskForm):
    issued_from = forms.DateField(
        label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    issued_to = forms.DateField(
        label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# --- receiving: what happens to inspected units and extra items --------------------------------


class DisposeForm(DeskForm):
    """A disposition per inspected unit still waiting for one (blank: decide later)."""

    def __init__(self, *args, units=(), **kwargs):
        from returndesk.inspection.models import Disposition, Outcome

        super().__init__(*args, **kwargs)
        self.units = list(units)
        for n, unit in enumerate(self.units, start=1):
            allowed = [
                (d.value, d.label)
                for d in Disposition
                if (d == Disposition.RETURN_TO_CUSTOMER) == (unit.outcome == Outcome.REJECTED)
            ]
            label = f"#{n} {unit.receipt_line.product.sku}"
            if unit.serial_number:
                label += f" · SN {unit.serial_number}"
            self.fields[f"unit_{unit.id}"] = forms.ChoiceField(
                label=label, required=False, choices=_choices(allowed)
            )

    def dispositions(self) -> list[dict]:
        return [
            {"unit": str(unit.id), "disposition": self.cleaned_data[f"unit_{unit.id}"]}
            for unit in self.units
            if self.cleaned_data.get(f"unit_{unit.id}")
        ]


class ExtraResolveForm(DeskForm):
    resolution = forms.ChoiceField(label=_("Resolution"))
    condition = forms.ChoiceField(label=_("Into stock as"), required=False)
    note = forms.CharField(label=_("Why"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        from returndesk.inspection.models import ExtraResolution
        from returndesk.inventory.models import Condition

        super().__init__(*args, **kwargs)
        self.fields["resolution"].choices = _choices(
            [(v, label) for v, label in ExtraResolution.choices if v != ExtraResolution.OPEN]
        )
        self.fields["condition"].choices = _choices(
            [(c.value, c.label) for c in (Condition.QUARANTINE, Condition.SELLABLE, Condition.REFURBISH)]
        )
