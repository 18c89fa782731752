"""Who is looking at a portal page, and what they may see.

Two ways in: the Django sign-in of a registered customer or distributor (accounts.User with role
customer/distributor and its customer), or a guest grant in the session after a one-time code
(services.access.portal_code_verify): the customer's guest user, limited to the one order found.
Every portal view goes through `portal_page`, which resolves this or sends the visitor to the
portal sign-in; staff are told to use the desk.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.accounts.roles import EXTERNAL_ROLES
from returndesk.catalog.models import Customer, CustomerType
from returndesk.core.errors import DomainError
from returndesk.orders.models import Order

from .conf import limits

GRANT_KEY = "portal_guest"
CHALLENGE_KEY = "portal_challenge"


@dataclass(frozen=True)
class PortalAccess:
    user: User  # the actor every service is called with
    customer: Customer
    order_id: uuid.UUID | None = None  # a guest sees this order only
    order_number: str = ""
    # A guest's contact, proven by the code sent there: its requests' messages go there.
    contact_email: str = ""
    contact_phone: str = ""

    @property
    def guest(self) -> bool:
        return self.order_id is not None

    @property
    def distributor(self) -> bool:
        return self.customer.type == CustomerType.DISTRIBUTOR


def client_ip(request) -> str:
    header = limits().client_ip_header
    value = request.META.get(header, "") if header else ""
    return (value.split(",")[0].strip() if value else "") or request.META.get("REMOTE_ADDR", "")


def grant_guest(request, grant) -> None:
    """Open the verified order in this browser: a new session key (no fixation), the grant, and a
    session that ends with it."""
    request.session.cycle_key()
    until = timezone.now() + limits().guest_session
    request.session[GRANT_KEY] = {
        "user": str(grant.user.pk),
        "customer": str(grant.customer.pk),
        "order": str(grant.order.pk),
        "contact": grant.contact,
        "until": until.isoformat(),
    }
    request.session.pop(CHALLENGE_KEY, None)
    request.session.set_expiry(int(limits().guest_session.total_seconds()))


def end_access(request) -> None:
    """Sign out of the portal: the Django sign-in and any guest grant (the session is flushed)."""
    logout(request)


def _registered(request) -> PortalAccess | None:
    user = request.user
    if user.is_authenticated and user.is_active and user.role in EXTERNAL_ROLES and user.customer_id:
        return PortalAccess(user=user, customer=user.customer)
    return None


def _guest(request) -> PortalAccess | None:
    grant = request.session.get(GRANT_KEY)
    if not isinstance(grant, dict):
        return None
    try:
        until = datetime.fromisoformat(grant["until"])
        if until <= timezone.now():
            return None
        user = User.objects.select_related("customer").get(pk=grant["user"], is_active=True)
        order = Order.objects.only("id", "number", "customer_id").get(pk=grant["order"])
    except (KeyError, ValueError, User.DoesNotExist, Order.DoesNotExist):
        return None
    if (
        user.role not in EXTERNAL_ROLES
        or str(user.customer_id) != grant["customer"]
        or order.customer_id != user.customer_id
    ):
        return None
    contact = str(grant.get("contact", ""))
    return PortalAccess(
        user=user,
        customer=user.customer,
        order_id=order.id,
        order_number=order.number,
        contact_email=contact if "@" in contact else "",
        contact_phone=contact if contact and "@" not in contact else "",
    )


def access_for(request) -> PortalAccess | None:
    return _registered(request) or _guest(request)


def portal_page(view=None, *, registered_only: bool = False, distributor_only: bool = False):
    """Decorator of every portal page: sets `request.portal` (a PortalAccess) or answers for the
    visitor who has none — anonymous: to the portal sign-in, back here after; staff: a page
    pointing to the desk (403). `registered_only` pages (orders across the account, CSV upload)
    need the sign-in; `distributor_only` pages a distributor's. Others get 404, as for any page
    they cannot see."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and request.user.role not in EXTERNAL_ROLES:
                return render(request, "portal/staff.html", status=403)
            access = access_for(request)
            if access is None:
                return redirect_to_login(request.get_full_path(), reverse("portal:login"))
            if (registered_only and access.guest) or (distributor_only and not access.distributor):
                raise Http404()
            request.portal = access
            try:
                return fn(request, *args, **kwargs)
            except DomainError as exc:
                if exc.kind == "not_found":  # another customer's case or order: as if missing
                    raise Http404(exc.message) from exc
                raise

        return wrapper

    return decorate(view) if view is not None else decorate
