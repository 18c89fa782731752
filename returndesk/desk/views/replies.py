"""Reply templates (话术, seed S5): every staff member reads them; supervisors edit them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from returndesk.core.errors import DomainError
from returndesk.replies import services
from returndesk.replies.models import Stage
from returndesk.replies.selectors import reply_template_get, reply_templates_for
from returndesk.replies.variables import VARIABLES

from ..forms import ReplyTemplateForm
from .common import http_status, staff_required


@staff_required
@require_GET
def reply_list(request):
    editor = services.may_edit(request.user)
    templates = list(reply_templates_for(request.user, include_inactive=editor))
    stages = [(stage, [t for t in templates if t.stage == stage.value]) for stage in Stage]
    return render(
        request, "desk/replies.html", {"stages": stages, "editor": editor, "variables": VARIABLES.items()}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def reply_edit(request, template_id=None):
    if not services.may_edit(request.user):
        raise PermissionDenied
    template = None
    if template_id is not None:
        template = reply_template_get(user=request.user, template_id=template_id)
        if template is None:
            raise Http404
    if request.method == "GET":
        initial = (
            {name: getattr(template, name) for name in services.FIELDS} if template else {"is_active": True}
        )
        form = ReplyTemplateForm(initial=initial)
        return render(
            request,
            "desk/reply_edit.html",
            {"form": form, "template": template, "variables": VARIABLES.items()},
        )
    form = ReplyTemplateForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            if template is None:
                services.reply_template_create(actor=request.user, **form.cleaned_data)
            else:
                services.reply_template_update(actor=request.user, template=template, **form.cleaned_data)
        except DomainError as exc:
            status = http_status(exc)
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Reply template saved."))
            return redirect("reply_list")
    context = {"form": form, "template": template, "variables": VARIABLES.items()}
    return render(request, "desk/reply_edit.html", context, status=status)
