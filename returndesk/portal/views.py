"""Portal pages. Each parses the request, calls one selector or service, and renders; who may
see what is decided by access.portal_page and the selectors, the rules by the cases services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from returndesk.cases import services as case_services
from returndesk.core.errors import DomainError

from . import selectors, services
from .access import CHALLENGE_KEY, access_for, client_ip, end_access, grant_guest, portal_page
from .errors import Throttled
from .forms import (
    CodeForm,
    ConfirmForm,
    CsvReturnForm,
    LookupForm,
    MessageForm,
    NoteForm,
    PortalLoginForm,
    ReasonForm,
    ShipForm,
    SurveyForm,
    parse_request,
)

LOOKUP_KEY = "portal_lookup"
STATUS = {"invalid": 422, "forbidden": 403, "conflict": 409, "precondition": 412, "throttled": 429}


def _status(exc: DomainError) -> int:
    if exc.kind == "not_found":
        raise Http404(exc.message) from exc
    return STATUS.get(exc.kind, 422)


def _add_errors(form, exc: DomainError) -> None:
    """A service's error on the form: on its fields where the form has them, else on the form."""
    if not _field_errors(form, exc):
        form.add_error(None, exc.message)


def _field_errors(form, exc: DomainError) -> bool:
    placed = False
    for name, text in exc.field_messages().items():
        if name in form.fields:
            form.add_error(name, text)
            placed = True
    return placed


def _case_error(request, id, form_name: str, form, exc: DomainError):
    """The case page again after a refused step: the error at the field it is about, or at the
    top of the page (the step's form may no longer be shown, e.g. once the status moved on)."""
    error = None if _field_errors(form, exc) else exc.message
    return _case_page(request, id, status=_status(exc), forms={form_name: form}, error=error)


# --- signing in -------------------------------------------------------------------------------


class PortalLoginView(LoginView):
    """The sign-in of registered customers and distributors, locked out after repeated failures
    per IP and per username (services.access)."""

    template_name = "portal/login.html"
    form_class = PortalLoginForm

    def get_default_redirect_url(self):
        return reverse("portal:home")

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and access_for(request) is not None:
            return redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            self.attempts = services.portal_login_begin(
                ip=client_ip(request), username=request.POST.get("username", "")
            )
        except Throttled as exc:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.portal_login_succeeded(attempts=self.attempts)
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


@require_POST
def logout_view(request):
    end_access(request)
    return redirect("portal:login")


@require_http_methods(["GET", "POST"])
def find_order(request):
    """Find your order: the same page, message and status whether or not the order exists."""
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            access = services.portal_code_request(
                order_number=form.cleaned_data["order_number"],
                contact=form.cleaned_data["contact"],
                ip=client_ip(request),
                language=request.LANGUAGE_CODE,
            )
        except DomainError as exc:
            _add_errors(form, exc)
            status = _status(exc)
        else:
            request.session[CHALLENGE_KEY] = str(access.id)
            request.session[LOOKUP_KEY] = {
                "order_number": form.cleaned_data["order_number"].strip(),
                "contact": form.cleaned_data["contact"].strip(),
            }
            return redirect("portal:code")
    elif request.method == "POST":
        status = 422
    return render(request, "portal/find.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def enter_code(request):
    lookup = request.session.get(LOOKUP_KEY)
    if not lookup or CHALLENGE_KEY not in request.session:
        return redirect("portal:find")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.portal_code_verify(
                code_id=request.session.get(CHALLENGE_KEY),
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            _add_errors(form, exc)
            status = _status(exc)
        else:
            grant_guest(request, grant)
            request.session.pop(LOOKUP_KEY, None)
            return redirect("portal:home")
    elif request.method == "POST":
        status = 422
    return render(request, "portal/code.html", {"form": form, "lookup": lookup}, status=status)


# --- home, orders, cases ---------------------------------------------------------------------


@require_GET
@portal_page
def home(request):
    return render(request, "portal/home.html", {"home": selectors.portal_home(access=request.portal)})


@require_GET
@portal_page
def orders(request):
    return render(request, "portal/orders.html", {"orders": selectors.portal_orders(access=request.portal)})


@require_GET
@portal_page
def cases(request):
    return render(request, "portal/cases.html", {"rows": selectors.portal_case_list(access=request.portal)})


# --- the request --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_page
def request_new(request):
    """Choose lines and quantities, a reason, a description and photos or videos; the policy
    preview follows the choices (request_preview); submitting opens the case with its files."""
    source = request.POST if request.method == "POST" else request.GET
    form = selectors.portal_request_form(access=request.portal, order_ids=source.getlist("order"))
    context = {"form": form, "values": request.POST, "error": None, "field_errors": {}}
    if request.method == "GET":
        return render(request, "portal/request.html", context)
    case_type, lines, description = parse_request(request.POST, form.lines)
    try:
        case = services.portal_return_submit(
            actor=request.portal.user,
            customer=request.portal.customer,
            type=case_type,
            lines=lines,
            description=description,
            files=request.FILES.getlist("files"),
            contact_email=request.portal.contact_email,
            contact_phone=request.portal.contact_phone,
        )
    except DomainError as exc:
        context |= {"error": exc.message, "field_errors": exc.field_messages()}
        return render(request, "portal/request.html", context, status=_status(exc))
    messages.success(
        request, _("Your request was submitted. Your case number is %(number)s.") % {"number": case.number}
    )
    return redirect("portal:case", id=case.id)


@require_POST
@portal_page
def request_preview(request):
    """The policy preview for the choices so far (htmx partial; writes nothing)."""
    form = selectors.portal_request_form(access=request.portal, order_ids=request.POST.getlist("order"))
    case_type, lines, _description = parse_request(request.POST, form.lines)
    context = {"preview": None, "error": None, "empty": not lines or not request.POST.get("reason")}
    if not context["empty"]:
        try:
            context["preview"] = selectors.portal_preview(
                access=request.portal,
                case_type=case_type,
                lines=lines,
                evidence_count=len(request.FILES.getlist("files")),
            )
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "portal/_preview.html", context)


@require_http_methods(["GET", "POST"])
@portal_page(registered_only=True, distributor_only=True)
def request_csv(request):
    """A distributor's return of many order lines, from several orders, as one CSV file: "check"
    shows the rows' errors or the policy preview, "submit" opens the case (all or nothing)."""
    form = CsvReturnForm(request.POST or None, request.FILES or None)
    context = {"form": form, "parsed": None, "preview": None, "reasons": selectors.reason_groups()}
    if request.method == "GET":
        return render(request, "portal/request_csv.html", context)
    if not form.is_valid():
        return render(request, "portal/request_csv.html", context, status=422)
    data = form.cleaned_data["file"].read()
    case_type = form.cleaned_data["type"]
    if "submit" not in request.POST:
        parsed, preview = selectors.portal_csv_check(access=request.portal, case_type=case_type, data=data)
        context |= {"parsed": parsed, "preview": preview}
        return render(request, "portal/request_csv.html", context, status=200 if parsed.ok else 422)
    case, parsed = services.portal_return_csv_submit(
        actor=request.portal.user, customer=request.portal.customer, type=case_type, data=data,
        description=form.cleaned_data["description"],
    )  # fmt: skip
    if case is None:
        context["parsed"] = parsed
        return render(request, "portal/request_csv.html", context, status=422)
    messages.success(
        request, _("Your request was submitted. Your case number is %(number)s.") % {"number": case.number}
    )
    return redirect("portal:case", id=case.id)


# --- one case -----------------------------------------------------------------------------------


def _case_page(request, id, *, status=200, forms=None, error=None):
    page = selectors.portal_case_page(access=request.portal, case_id=id)
    forms = {
        "confirm_solution": ConfirmForm(),
        "decline_solution": ReasonForm(),
        "ship_back": ShipForm(),
        "cancel": ReasonForm(),
        "appeal": ReasonForm(),
        "accept_quote": NoteForm(),
        "decline_quote": ReasonForm(),
        "message": MessageForm(),
        "survey": SurveyForm(),
        **(forms or {}),
    }
    return render(
        request,
        "portal/case.html",
        {"page": page, "case": page.case, "forms": forms, "error": error},
        status=status,
    )


@require_GET
@portal_page
def case_page(request, id):
    return _case_page(request, id)


ACTIONS = {
    "confirm_solution": (ConfirmForm, lambda case, actor, d, v: case_services.case_confirm_solution(
        case=case, actor=actor, expected_version=v, **d)),
    "decline_solution": (ReasonForm, lambda case, actor, d, v: case_services.case_decline_solution(
        case=case, actor=actor, reason=d["reason"], expected_version=v)),
    "ship_back": (ShipForm, lambda case, actor, d, v: case_services.case_ship_back(
        case=case, actor=actor, carrier=d["carrier"], tracking_number=d["tracking_number"], expected_version=v)),
    "cancel": (ReasonForm, lambda case, actor, d, v: case_services.case_cancel(
        case=case, actor=actor, reason=d["reason"], expected_version=v)),
    "appeal": (ReasonForm, lambda case, actor, d, v: case_services.case_appeal(
        case=case, actor=actor, reason=d["reason"], expected_version=v)),
    "accept_quote": (NoteForm, lambda case, actor, d, v: case_services.case_accept_quote(
        case=case, actor=actor, note=d["note"], expected_version=v)),
    "decline_quote": (ReasonForm, lambda case, actor, d, v: case_services.case_decline_quote(
        case=case, actor=actor, reason=d["reason"], expected_version=v)),
}  # fmt: skip
DONE = {
    "confirm_solution": gettext_lazy("You confirmed the solution."),
    "decline_solution": gettext_lazy("You declined the solution. We will contact you."),
    "ship_back": gettext_lazy("Thank you. The tracking number is saved."),
    "cancel": gettext_lazy("The request was cancelled."),
    "appeal": gettext_lazy("Your appeal was sent to a service supervisor."),
    "accept_quote": gettext_lazy("You accepted the quote. We start the repair."),
    "decline_quote": gettext_lazy("You declined the quote. We send the product back unrepaired."),
}


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_POST
@portal_page
def case_action(request, id, action):
    """One workflow action of the customer (confirm or decline the solution, ship back, cancel,
    appeal, accept or decline a repair quote), on the version of the case the page showed: a
    stale page is refused as a conflict."""
    if action not in ACTIONS:
        raise Http404()
    form_class, call = ACTIONS[action]
    case = selectors.portal_case_get(access=request.portal, case_id=id)
    extra = {"pickup": case.solution == "pickup"} if form_class is ConfirmForm else {}
    form = form_class(request.POST, **extra)
    if not form.is_valid():
        return _case_page(request, id, status=422, forms={action: form})
    try:
        data = form.service_inputs() if hasattr(form, "service_inputs") else form.cleaned_data
        call(case, request.portal.user, data, _version(request))
    except DomainError as exc:
        return _case_error(request, id, action, form, exc)
    messages.success(request, str(DONE[action]))
    return redirect("portal:case", id=id)


@require_POST
@portal_page
def case_message(request, id):
    """A message to customer service (cases.services.case_add_note, never internal)."""
    form = MessageForm(request.POST)
    case = selectors.portal_case_get(access=request.portal, case_id=id)
    if not form.is_valid():
        return _case_page(request, id, status=422, forms={"message": form})
    try:
        case_services.case_add_note(
            case=case, actor=request.portal.user, text=form.cleaned_data["text"], internal=False
        )
    except DomainError as exc:
        return _case_error(request, id, "message", form, exc)
    messages.success(request, _("Your message was sent."))
    return redirect(reverse("portal:case", kwargs={"id": id}) + "#messages")


@require_POST
@portal_page
def case_files(request, id):
    case = selectors.portal_case_get(access=request.portal, case_id=id)
    try:
        services.portal_files_add(case=case, actor=request.portal.user, files=request.FILES.getlist("files"))
    except DomainError as exc:
        return _case_page(request, id, status=_status(exc), error=exc.message)
    messages.success(request, _("The files were added."))
    return redirect(reverse("portal:case", kwargs={"id": id}) + "#files")


@require_GET
@portal_page
def case_file(request, id, file_id):
    attachment = selectors.portal_attachment_get(access=request.portal, case_id=id, attachment_id=file_id)
    inline = attachment.kind in {"image", "video"}
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name or f"file{attachment.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@portal_page
def case_survey(request, id):
    """The satisfaction survey after closing (回访): cases.services.case_survey_submit, once."""
    form = SurveyForm(request.POST)
    case = selectors.portal_case_get(access=request.portal, case_id=id)
    if not form.is_valid():
        return _case_page(request, id, status=422, forms={"survey": form})
    try:
        case_services.case_survey_submit(
            case=case,
            actor=request.portal.user,
            rating=form.cleaned_data["rating"],
            resolved=form.cleaned_data["resolved"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        return _case_error(request, id, "survey", form, exc)
    messages.success(request, _("Thank you for your feedback."))
    return redirect(reverse("portal:case", kwargs={"id": id}) + "#survey")


@require_GET
@portal_page
def case_return_label(request, id):
    """The return label and packing slip (A4 PDF with the case number as a QR code, made by
    logistics.labels) of the visitor's own case, from confirming the solution until the goods
    arrive; anyone else's case, or a case without a return shipment, is a 404."""
    from returndesk.logistics.labels import return_label_pdf

    case, instructions = selectors.portal_return_label(access=request.portal, case_id=id)  # else 404
    response = HttpResponse(
        return_label_pdf(case=case, instructions=instructions), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="return-label-{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
