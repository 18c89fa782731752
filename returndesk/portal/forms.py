"""Parsing what the portal's forms send. Checks of meaning (does the order exist, is the quantity
returnable, is the tracking number valid for the carrier) are the services'; these only read."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from returndesk.accounts.roles import EXTERNAL_ROLES
from returndesk.core.i18n import pick, pick_pair
from returndesk.logistics.carriers import CARRIERS

from .selectors import REQUEST_TYPES


class PortalLoginForm(AuthenticationForm):
    """Django's sign-in, for customers and distributors only (staff sign in at the desk)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "staff": _("This sign-in is for customers and distributors. Staff sign in at the service desk."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.role not in EXTERNAL_ROLES or not user.customer_id:
            raise ValidationError(self.error_messages["staff"], code="staff")


class LookupForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=64)
    contact = forms.CharField(label=_("Phone number or email on the order"), max_length=254)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=12)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea)


WINDOW_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]  # <input type=datetime-local>


class ConfirmForm(NoteForm):
    """Confirming the solution. For a pickup, also when and where the courier comes and which
    carrier (logistics.services.return_shipment_plan checks them: a future window of at most 12
    hours, a parcel carrier, an address). In the portal the customer books the pickup: for a
    pickup (`pickup=True`) the window, the address and the carrier must be given; the service
    would also accept a window agreed later by phone, which is the desk's way."""

    pickup_window_start = forms.DateTimeField(
        label=_("Pickup from"), required=False, input_formats=WINDOW_FORMATS
    )
    pickup_window_end = forms.DateTimeField(
        label=_("Pickup until"), required=False, input_formats=WINDOW_FORMATS
    )
    pickup_address = forms.CharField(label=_("Pickup address"), max_length=300, required=False)
    pickup_contact = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    pickup_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    carrier = forms.CharField(label=_("Carrier"), max_length=10, required=False)

    def __init__(self, *args, pickup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if pickup:
            for name in ("pickup_window_start", "pickup_window_end", "pickup_address", "carrier"):
                self.fields[name].required = True

    def service_inputs(self) -> dict:
        """What case_confirm_solution takes; fields left empty are not passed (the defaults of
        the service apply: the customer's address and contact, a window agreed later)."""
        data = self.cleaned_data
        names = ("pickup_window_start", "pickup_window_end", "pickup_address", "pickup_contact", "pickup_phone",
                 "carrier")  # fmt: skip
        return {"note": data["note"], **{n: data[n] for n in names if data.get(n) not in (None, "")}}


def carrier_choices():
    return [(code, pick_pair(c.zh, c.en)) for code, c in CARRIERS.items()]


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=carrier_choices)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64)


class SurveyForm(forms.Form):
    """The satisfaction survey after closing (回访, seed S1/S8): 1–5, resolved yes or no, a comment."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int
    )
    resolved = forms.TypedChoiceField(
        label=_("Was your problem resolved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea)


class CsvReturnForm(forms.Form):
    type = forms.ChoiceField(
        label=_("What you ask for"), choices=lambda: [(t.value, pick(t.label)) for t in REQUEST_TYPES]
    )
    file = forms.FileField(label=_("CSV file"))
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )


def parse_request(post, lines) -> tuple[str, list[dict], str]:
    """The request form: the type, a reason for the request, its description, and for each order
    line offered a quantity (`qty-<order line id>`, 0 or empty = not returned). Returns (type,
    lines as case_create takes them, description); a quantity that is not a whole number or
    exceeds what is returnable is kept as typed, so the services refuse it with their message."""
    case_type = post.get("type", "")
    reason = post.get("reason", "")
    specs = []
    for line in lines:
        raw = (post.get(f"qty-{line.id}") or "").strip()
        if not raw or raw == "0":
            continue
        quantity = int(raw) if raw.isdigit() else raw
        specs.append({"order_line": str(line.id), "quantity": quantity, "reason": reason})
    return case_type, specs, (post.get("description") or "").strip()
