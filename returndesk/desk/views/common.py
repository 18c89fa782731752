"""Helpers shared by the desk's views: who may open staff pages, how a refused action answers."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from returndesk.core.errors import DomainError

from ..selectors import is_staff

STATUS_OF_KIND = {"invalid": 422, "conflict": 409, "forbidden": 403, "not_found": 404, "precondition": 412}


def http_status(exc: DomainError) -> int:
    return STATUS_OF_KIND.get(exc.kind, 422)


def staff_required(view):
    """Signed-in staff only (customers and distributors have their own portal): 403 otherwise."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def roles_required(*roles):
    """Staff of these roles only (e.g. intake: customer service and sales)."""

    def decorator(view):
        @staff_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def not_found_as_404(fn, *args, **kwargs):
    """Call a selector; its NotFound becomes a 404 page (someone else's case looks missing)."""
    try:
        return fn(*args, **kwargs)
    except DomainError as exc:
        if exc.kind == "not_found":
            raise Http404(exc.message) from exc
        raise


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return target
    return default
