"""Who is calling: an API token (`Authorization: Bearer rd_…`, integrations and people) or the
browser session of a signed-in user (the pages' own calls, which must carry the CSRF token).

Rules, in this order:
- An Authorization header decides alone: a usable token authenticates, anything else is 401
  `auth.invalid_token`, even if a session cookie is present too.
- Without the header, a signed-in, active session user authenticates; a write (POST, PUT,
  PATCH, DELETE) must then pass Django's CSRF check (cookie + X-CSRFToken header, and Origin /
  Referer on HTTPS) or it is refused with 403 `auth.csrf_failed`. The check runs only for a
  session that exists, so an anonymous write is answered 401, not 403.
- Neither: 401 `auth.required`.

ninja marks all its views csrf_exempt for Django's middleware and leaves the check to the
authenticators; tokens need none (a cross-site page cannot send an Authorization header).

Per operation, `roles_allowed(roles)` narrows who may call it (403 `auth.role_forbidden`),
checked with authentication, before the body is parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from returndesk.accounts.models import User
from returndesk.accounts.services import api_token_authenticate
from returndesk.core.errors import PermissionDenied

from .errors import CsrfFailed, InvalidToken

_INVALID = object()


def token_user(request: HttpRequest) -> User | None:
    """The user of the request's bearer token, None when no Authorization header was sent;
    raises InvalidToken for a header that names no usable token. Remembered on the request, as
    the idempotency middleware asks before the API does."""
    if not hasattr(request, "_returndesk_token_user"):
        header = request.headers.get("Authorization", "")
        if not header:
            result = None
        else:
            scheme, _sep, raw = header.strip().partition(" ")
            user = api_token_authenticate(raw.strip()) if scheme.lower() == "bearer" else None
            result = user or _INVALID
        request._returndesk_token_user = result
    if request._returndesk_token_user is _INVALID:
        raise InvalidToken()
    return request._returndesk_token_user


def session_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def caller(request: HttpRequest) -> tuple[str, User] | None:
    """(scope, user) of an authenticated request: "token:<id>" for a token, "user:<id>" for a
    session; None when the request is not authenticated (the API will answer 401)."""
    try:
        user = token_user(request)
    except InvalidToken:
        return None
    if user is not None:
        return f"token:{user.api_token.pk}", user
    if request.headers.get("Authorization"):
        return None
    user = session_user(request)
    return (f"user:{user.pk}", user) if user is not None else None


def check_roles(user: User, roles: frozenset[str] | None) -> None:
    """A superuser may do anything (as in the services' require_role); others need a listed role."""
    if roles is None or user.is_superuser or user.role in roles:
        return
    raise PermissionDenied(
        "auth.role_forbidden",
        "您的角色无权调用此接口。",
        "Your role may not call this operation.",
    )


class TokenAuth(HttpBearer):
    def __init__(self, roles: Iterable[str] | None = None) -> None:
        self.roles = frozenset(roles) if roles is not None else None
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        user = token_user(request)
        if user is not None:
            check_roles(user, self.roles)
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - see __call__
        raise NotImplementedError


class SessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, roles: Iterable[str] | None = None) -> None:
        self.roles = frozenset(roles) if roles is not None else None
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None  # TokenAuth has answered for this request
        user = session_user(request)
        if user is None:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed()
        check_roles(user, self.roles)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        raise NotImplementedError


def roles_allowed(roles: Iterable[str]) -> list:
    """The `auth=` of an operation open only to `roles` (and superusers)."""
    roles = frozenset(roles)
    return [TokenAuth(roles), SessionAuth(roles)]


DEFAULT_AUTH = [TokenAuth(), SessionAuth()]
