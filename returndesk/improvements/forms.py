"""Parsing of the improvement and follow-up forms (the rules live in the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from returndesk.accounts.models import User
from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.cases.models import CaseCause, ReturnReason
from returndesk.catalog.models import Product
from returndesk.core.i18n import pick


class ReasonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {pick(str(obj))}"


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    reason = ReasonChoice(
        label=_("Return reason"),
        queryset=ReturnReason.objects.filter(children__isnull=True).order_by("code"),
        required=False,
    )
    cause_stage = forms.ChoiceField(label=_("Root-cause stage"), choices=[("", "—")], required=False)
    responsible_department = forms.CharField(
        label=_("Responsible department"), max_length=100, required=False
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Affected products"), queryset=Product.objects.order_by("sku"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.exclude(role__in=sorted(EXTERNAL_ROLES)).exclude(role=Role.SYSTEM),
    )
    started_on = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause_stage"].choices = [("", "—"), *((v, pick(t)) for v, t in CaseCause.Stage.choices)]


class StatusForm(forms.Form):
    status = forms.CharField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result of the call"),
        choices=[("answered", _("Answered")), ("unreachable", _("Unreachable")), ("declined", _("Declined"))],
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=[("", "—")] + [(str(i), str(i)) for i in range(5, 0, -1)], coerce=int,
        required=False, empty_value=None,
    )  # fmt: skip
    resolved = forms.NullBooleanField(
        label=_("Problem resolved"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    comment = forms.CharField(
        label=_("Customer's comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Call note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
