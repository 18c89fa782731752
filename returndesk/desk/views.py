"""Staff and customer pages. Each view parses the request, calls one selector and renders;
the rules (who sees what, which actions are open) live in the cases selectors and workflow."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from returndesk.cases import selectors
from returndesk.core.errors import DomainError


@login_required
@require_GET
def home(request):
    dashboard = selectors.case_dashboard(user=request.user)
    return render(request, "desk/home.html", {"dashboard": dashboard})


@login_required
@require_GET
def case_detail(request, id):
    try:
        detail = selectors.case_detail(user=request.user, case_id=id)
    except DomainError as exc:
        if exc.kind == "not_found":
            raise Http404(exc.message) from exc
        raise
    return render(request, "desk/case_detail.html", {"detail": detail, "case": detail.case})


@login_required
@require_GET
def workflow(request):
    overview = selectors.workflow_overview(user=request.user)
    return render(request, "desk/workflow.html", {"overview": overview})


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
