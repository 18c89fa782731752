"""Home (queues per role), the case list (filters, search, saved views, keyset pages), the
process diagram, and the health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from returndesk.cases import selectors as case_selectors
from returndesk.cases.models import CaseType, Status
from returndesk.cases.workflow import statuses_for, workflow_mermaid
from returndesk.core.errors import DomainError
from returndesk.core.i18n import pick

from .. import selectors, services
from ..forms import CaseFilterForm, SavedViewForm
from .common import http_status, staff_required


@login_required
@require_GET
def home(request):
    """Staff: the queues of their role with counts, and their first queue's oldest cases.
    Customers and distributors: their own latest cases."""
    if not selectors.is_staff(request.user):
        dashboard = case_selectors.case_dashboard(user=request.user)
        return render(request, "desk/home_customer.html", {"dashboard": dashboard})
    return render(request, "desk/home.html", {"home": selectors.home_for(user=request.user)})


def _query_string(values: dict) -> str:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


@staff_required
@require_GET
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        if not request.GET:
            form = CaseFilterForm({})
            form.is_valid()
        page = selectors.case_list_page(
            user=request.user, filters=form.filters(), cursor=request.GET.get("cursor") or None
        )
    active = form.as_query() if form.is_bound and not form.errors else {}
    context = {
        "form": form,
        "page": page,
        "rows": page.cases if page else [],
        "active": active,
        "query_string": _query_string(active),
        "next_query": _query_string({**active, "cursor": page.next_cursor})
        if page and page.next_cursor
        else "",
        "saved_views": selectors.saved_views_of(request.user),
        "save_form": SavedViewForm(),
        "status": 200 if page is not None else 422,
    }
    template = "desk/_case_rows.html" if request.htmx and request.GET.get("cursor") else "desk/case_list.html"
    return render(request, template, context, status=context["status"])


@staff_required
@require_POST
def saved_view_save(request):
    """Save the filters in the query string of the list page under a name."""
    filters = CaseFilterForm(request.POST)
    name_form = SavedViewForm(request.POST)
    if filters.is_valid() and name_form.is_valid():
        try:
            view = services.saved_view_save(
                actor=request.user, name=name_form.cleaned_data["name"], filters=filters.as_query()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(f"{reverse('case_list')}?{view.query_string}")
    else:
        for error in [*name_form.errors.get("name", []), *filters.non_field_errors()]:
            messages.error(request, error)
    active = filters.as_query() if filters.is_valid() else {}
    return redirect(f"{reverse('case_list')}?{_query_string(active)}")


@staff_required
@require_POST
def saved_view_delete(request, view_id):
    try:
        services.saved_view_delete(actor=request.user, view_id=view_id)
    except DomainError as exc:
        if exc.kind == "not_found":
            raise Http404(exc.message) from exc
        return render(request, "desk/error.html", {"message": exc.message}, status=http_status(exc))
    messages.success(request, _("View deleted."))
    return redirect("case_list")


@login_required
@require_GET
def workflow(request):
    """The process as declared (cases.workflow), drawn with the number of cases in each state
    (staff only), for all case types or one."""
    overview = case_selectors.workflow_overview(user=request.user)
    case_type = request.GET.get("type") or ""
    if case_type and case_type not in CaseType.values:
        case_type = ""
    counts = None
    if overview.show_counts:  # staff: the figures of the type shown (all types by default)
        by_status = selectors.status_counts(case_type=case_type)
        counts = {status.value: by_status.get(status.value, 0) for status in Status}
    english = get_language().startswith("en")
    diagram = workflow_mermaid(case_type or None, counts, english=english)
    title = _("Case process") if not case_type else pick(CaseType(case_type).label)
    described = _("States of a case and the steps between them, with the number of cases in each state.")
    head, _sep, rest = diagram.partition("\n")
    diagram = f"{head}\n    accTitle: {title}\n    accDescr: {described}\n{rest}"
    reachable = set(statuses_for(case_type)) if case_type else set(Status)
    return render(
        request,
        "desk/workflow.html",
        {
            "overview": overview,
            "diagram": diagram,
            "case_type": case_type,
            "case_types": [(t.value, t.label) for t in CaseType],
            "reachable": [
                {"status": item.status, "count": counts.get(item.status.value) if counts else None}
                for item in overview.statuses
                if item.status in reachable
            ],
        },
    )


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: the process answers and the database responds."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
