"""The case page and everything done on it: workflow actions (forms built from the declaration),
messages and internal notes, attachments, assignment, priority, evidence waiver, policy override.

Each POST parses a form and calls one cases service; a refusal (DomainError) is shown on the
form in the active language with the status the API would use (422, 409, 403). With htmx the
form alone is re-rendered; without JavaScript the whole page is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from returndesk.accounts.models import User
from returndesk.accounts.roles import STAFF_ROLES
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.cases.policy import OVERRIDE_ROLES, evidence_outstanding, open_refusals
from returndesk.cases.services.housekeeping import ASSIGNERS, PRIORITY_SETTERS
from returndesk.cases.workflow import REVIEWERS, transition_for
from returndesk.core.errors import DomainError
from returndesk.core.i18n import pick_pair
from returndesk.replies import services as reply_services
from returndesk.replies.selectors import reply_templates_for

from .. import selectors
from ..action_inputs import ActionContext
from ..forms import ActionForm, AssignForm, NoteForm, PriorityForm, ReasonForm, UploadForm
from .common import http_status, not_found_as_404, safe_next, staff_required


def _reply_options(request, case, deadline) -> list[dict]:
    templates = list(reply_templates_for(request.user))
    if not templates:
        return []
    language = get_language()
    values = selectors.reply_values(case=case, user=request.user, language=language, deadline=deadline)
    return [
        {
            "template": t,
            "title": pick_pair(t.title, t.title_en),
            "text": reply_services.reply_render(template=t, values=values, language=language),
        }
        for t in templates
    ]


def case_context(request, case_id, *, bound: dict | None = None, open_action: str = "") -> dict:
    """The case page's context; `bound` replaces some unbound forms by submitted ones (errors)."""
    page = not_found_as_404(selectors.case_page, user=request.user, case_id=case_id)
    detail, case, user = page.detail, page.detail.case, request.user
    bound = bound or {}
    action_forms = []
    ctx = ActionContext(case, detail.lines)
    for item in detail.actions:
        form = bound.get(f"action:{item.action}") or ActionForm(
            transition=item.transition, case=case, lines=detail.lines, context=ctx
        )
        action_forms.append({"item": item, "form": form, "open": item.action == open_action})
    staff = detail.staff_view
    context = {
        "page": page,
        "detail": detail,
        "case": case,
        "action_forms": action_forms,
        "open_action": open_action,
        "message_form": bound.get("message") or NoteForm(prefix="message"),
        "upload_form": bound.get("upload") or UploadForm(),
        "goods": selectors.goods_and_money(case=case, staff=detail.staff_view),
    }
    if staff:
        is_open = case.is_open
        context |= {
            "note_form": bound.get("note") or NoteForm(prefix="note"),
            "replies": _reply_options(request, case, page.customer_deadline),
            "assign_form": (
                bound.get("assign")
                or AssignForm(
                    initial={"version": case.version, "assignee": case.assignee_id or ""},
                    staff=User.objects.filter(role__in=sorted(STAFF_ROLES), is_active=True).order_by(
                        "username"
                    ),
                )
            )
            if user.role in ASSIGNERS and is_open
            else None,
            "priority_form": (
                bound.get("priority")
                or PriorityForm(initial={"version": case.version, "priority": case.priority})
            )
            if user.role in PRIORITY_SETTERS and is_open
            else None,
            "waive_form": (
                bound.get("waive") or ReasonForm(initial={"version": case.version}, prefix="waive")
            )
            if user.role in REVIEWERS and case.status == Status.SUBMITTED and evidence_outstanding(case)
            else None,
            "override_form": (
                bound.get("override") or ReasonForm(initial={"version": case.version}, prefix="override")
            )
            if user.role in OVERRIDE_ROLES and case.status == Status.SUBMITTED and open_refusals(case)
            else None,
        }
    return context


@login_required
@require_GET
def case_detail(request, id):
    return render(request, "desk/case_detail.html", case_context(request, id))


def _answer_error(request, case_id, *, key: str, form, exc: DomainError | None, template: str, extra=None):
    """Re-show a form after a refusal: the form alone for htmx, else the whole case page."""
    status = http_status(exc) if exc is not None else 422
    if request.htmx:
        return render(
            request,
            template,
            {"form": form, "case": form_case(request, case_id), **(extra or {})},
            status=status,
        )
    context = case_context(
        request, case_id, bound={key: form}, open_action=(extra or {}).get("open_action", "")
    )
    if exc is not None and exc.kind in ("forbidden", "conflict"):
        context["page_error"] = exc.message  # also when the form is not on the page (not the user's action)
    return render(request, "desk/case_detail.html", context, status=status)


def form_case(request, case_id):
    return not_found_as_404(case_selectors.case_get_for_user, user=request.user, case_id=case_id)


def _done(request, case, text: str):
    messages.success(request, text)
    target = safe_next(request, reverse("case_detail", args=[case.pk]))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
@require_POST
def case_action(request, id, action):
    """One workflow action, its inputs from the form built out of the transition's Inputs."""
    case = not_found_as_404(case_selectors.case_get_with_lines, user=request.user, case_id=id)
    transition = transition_for(case.type, action)
    if transition is None:
        raise Http404(action)
    lines = list(case.lines.all())
    form = ActionForm(request.POST, transition=transition, case=case, lines=lines)
    exc = None
    if form.is_valid():
        try:
            services.case_transition(
                case=case,
                actor=request.user,
                action=action,
                expected_version=form.cleaned_data["version"],
                **form.inputs(),
            )
        except DomainError as error:
            exc = error
            form.add_domain_error(error)
        else:
            return _done(
                request, case, _("Done: %(action)s") % {"action": pick_pair(transition.zh, transition.en)}
            )
    item = {"transition": transition, "action": action}
    return _answer_error(
        request,
        id,
        key=f"action:{action}",
        form=form,
        exc=exc,
        template="desk/_action_form.html",
        extra={"item": item, "open": True, "open_action": action, "next": safe_next(request, "")},
    )


@login_required
@require_POST
def case_note(request, id, internal: bool = False):
    """A message to the customer, or (staff, `internal`) a note only staff see (cases.services.case_add_note)."""
    case = form_case(request, id)
    if internal and request.user.role not in STAFF_ROLES:
        raise PermissionDenied
    prefix = "note" if internal else "message"
    form = NoteForm(request.POST, prefix=prefix)
    exc = None
    if form.is_valid():
        try:
            services.case_add_note(
                case=case, actor=request.user, text=form.cleaned_data["text"], internal=internal
            )
        except DomainError as error:
            exc = error
            form.add_error("text", error.message)
        else:
            return _done(
                request, case, _("Internal note added.") if internal else _("Message sent to the customer.")
            )
    return _answer_error(
        request,
        id,
        key=prefix,
        form=form,
        exc=exc,
        template="desk/_note_form.html",
        extra={"internal": internal},
    )


@login_required
@require_POST
def case_upload(request, id):
    """Attach a photo, video or document (typed by content, size-limited: cases.services.attachment_add)."""
    case = form_case(request, id)
    form = UploadForm(request.POST, request.FILES)
    exc = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(
                case=case, actor=request.user, content=upload.read(), original_name=upload.name
            )
        except DomainError as error:
            exc = error
            form.add_error("file", error.message)
        else:
            return _done(request, case, _("File attached."))
    return _answer_error(request, id, key="upload", form=form, exc=exc, template="desk/_upload_form.html")


@login_required
@require_GET
def attachment_file(request, id, attachment_id):
    """A case's file for someone who may see the case: images and videos inline (shown and
    played on the page), documents as downloads. The content type is the one detected at upload."""
    attachment = not_found_as_404(
        case_selectors.attachment_get, user=request.user, case_id=id, attachment_id=attachment_id
    )
    inline = attachment.kind in ("image", "video")
    name = f"{attachment.id}{attachment.extension}"
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


def _staff_form_post(request, id, *, key, form, call, done_text, template):
    case = form_case(request, id)
    exc = None
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except DomainError as error:
            exc = error
            for name, message in error.field_messages().items():
                if name in form.fields:
                    form.add_error(name, message)
            form.add_error(None, error.message)
        else:
            return _done(request, case, done_text)
    return _answer_error(request, id, key=key, form=form, exc=exc, template=template, extra={"kind": key})


@staff_required
@require_POST
def case_assign(request, id):
    staff = User.objects.filter(role__in=sorted(STAFF_ROLES), is_active=True).order_by("username")
    form = AssignForm(request.POST, staff=staff)

    def call(case, data):
        assignee = staff.filter(pk=data["assignee"]).first() if data["assignee"] else None
        services.case_assign(
            case=case, actor=request.user, assignee=assignee, expected_version=data["version"]
        )

    return _staff_form_post(
        request,
        id,
        key="assign",
        form=form,
        call=call,
        done_text=_("Assignment saved."),
        template="desk/_housekeeping_form.html",
    )


@staff_required
@require_POST
def case_priority(request, id):
    form = PriorityForm(request.POST)

    def call(case, data):
        services.case_set_priority(
            case=case,
            actor=request.user,
            priority=data["priority"],
            reason=data["reason"],
            expected_version=data["version"],
        )

    return _staff_form_post(
        request,
        id,
        key="priority",
        form=form,
        call=call,
        done_text=_("Priority saved."),
        template="desk/_housekeeping_form.html",
    )


@staff_required
@require_POST
def case_waive(request, id):
    form = ReasonForm(request.POST, prefix="waive")

    def call(case, data):
        services.case_waive_evidence(
            case=case, actor=request.user, reason=data["reason"], expected_version=data["version"]
        )

    return _staff_form_post(
        request,
        id,
        key="waive",
        form=form,
        call=call,
        done_text=_("Evidence requirement waived."),
        template="desk/_housekeeping_form.html",
    )


@staff_required
@require_POST
def case_override(request, id):
    form = ReasonForm(request.POST, prefix="override")

    def call(case, data):
        services.case_policy_override(
            case=case, actor=request.user, reason=data["reason"], expected_version=data["version"]
        )

    return _staff_form_post(
        request,
        id,
        key="override",
        form=form,
        call=call,
        done_text=_("Policy overridden."),
        template="desk/_housekeeping_form.html",
    )
