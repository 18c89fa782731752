"""Write use-cases for people: API tokens.

A token reads `rd_<prefix>_<secret>`: the prefix (8 hex characters) is stored in clear so admins
can tell tokens apart; of the whole token only a SHA-256 is kept, so the plaintext exists once,
in the answer to `api_token_create`. `actor` is the signed-in user, or None for the system itself
(management commands).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from returndesk.core.config import ConfigCache
from returndesk.core.errors import DomainError, PermissionDenied

from .models import ApiToken, User
from .roles import Role

TOKEN_PREFIX = "rd"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# The tokens presented to this process, with their users, by key hash: filled as they are used,
# emptied whenever a token or a user changes (triggers of accounts migration 0003: any insert or
# delete, an update of any column but a token's last_used_at and a user's last_login), so a
# revocation, a deactivation or a role change is seen by the next request of every process, as
# with a query per request. Unknown hashes are not remembered. Values are handed out as copies.
_TOKENS = ConfigCache("accounts.api_tokens", models=["accounts.ApiToken", "accounts.User"], load=dict)
_TOKENS_MAX = 10_000
TOKEN_CACHE_IGNORES = {"accounts_apitoken": ("last_used_at",), "accounts_user": ("last_login",)}


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _may_manage_tokens(actor, token_user: User | None = None) -> bool:
    if actor is None or actor.is_superuser or actor.role == Role.ADMIN:
        return True
    return token_user is not None and actor.pk == token_user.pk


def _forbidden() -> PermissionDenied:
    return PermissionDenied(
        "api_token.forbidden", "您无权管理此 API 令牌。", "You may not manage this API token."
    )


@transaction.atomic
def api_token_create(
    *, actor, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token acting as `user` with the user's current role; returns (token, plaintext).

    Rule (issue 3, "Auth"): tokens are issued by an administrator (admin site) or the system
    (`manage.py create_api_token`), stored hashed, shown once, scoped to a role, revocable.
    """
    if not _may_manage_tokens(actor):
        raise _forbidden()
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(
            "api_token.invalid_name",
            "令牌名称必须是 1 到 100 个字符。",
            "The token name must have 1 to 100 characters.",
            fields={"name": ("1 到 100 个字符。", "1 to 100 characters.")},
        )
    if not user.is_active:
        raise DomainError(
            "api_token.inactive_user",
            "用户 {username} 已停用，不能签发令牌。",
            "User {username} is inactive; no token can be issued.",
            fields={"user": ("用户已停用。", "The user is inactive.")},
            username=user.username,
        )
    if expires_at is not None and (timezone.is_naive(expires_at) or expires_at <= timezone.now()):
        raise DomainError(
            "api_token.invalid_expiry",
            "过期时间必须是将来的、带时区的时间。",
            "The expiry must be a future time with a time zone.",
            fields={"expires_at": ("必须是将来的时间。", "Must be in the future.")},
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        user=user,
        role=user.role,
        prefix=prefix,
        key_hash=api_token_hash(raw),
        created_by=actor,
        expires_at=expires_at,
    )
    return token, raw


KNOWN_TOKEN = re.compile(rf"^{TOKEN_PREFIX}_([a-z0-9]{{8}})_([A-Za-z0-9_-]{{24,120}})$")


@transaction.atomic
def api_token_install_known(*, user: User, name: str, raw: str) -> ApiToken:
    """Store a token whose plaintext is published — the demo's integration token, printed by
    `load_demo` and written in the README for local use only. Never for a real install: anyone
    who has read the README holds it. Idempotent (the same plaintext is stored once); only the
    system calls it, and the plaintext must have the shape issued tokens have."""
    match = KNOWN_TOKEN.match(raw or "")
    if match is None:
        raise DomainError(
            "api_token.invalid_format",
            "令牌格式不正确。",
            "The token does not have the format of a ReturnDesk token.",
        )
    existing = ApiToken.objects.filter(key_hash=api_token_hash(raw)).first()
    if existing is not None:
        return existing
    name = (name or "").strip()[:100]
    return ApiToken.objects.create(
        name=name, user=user, role=user.role, prefix=match.group(1), key_hash=api_token_hash(raw)
    )


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking it again changes nothing (the first time is kept).
    Administrators revoke any token, a user their own."""
    locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not _may_manage_tokens(actor, locked.user):
        raise _forbidden()
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    token.refresh_from_db()
    return locked


def api_token_authenticate(raw: str | None) -> User | None:
    """The user a presented token acts as, or None if the token is unknown, revoked, expired,
    or its user is inactive or no longer has the role the token was issued for.

    The lookup is by the SHA-256 of the whole token (an index on a hash of 256 random bits
    reveals nothing by its timing), confirmed with a constant-time comparison. The returned user
    carries the token as `user.api_token`. last_used_at is written at most once a minute.
    A token this process has seen since the last change to any token or user is not read again
    (`_TOKENS`): an API request then runs no query to authenticate.
    """
    if not raw or not raw.startswith(f"{TOKEN_PREFIX}_") or len(raw) > 200:
        return None
    digest = api_token_hash(raw)
    known = _TOKENS.get()
    cached = known.get(digest)
    if cached is None:
        # get(), not first(): key_hash is unique, and a lookup without ORDER BY is cheaper to build.
        try:
            cached = ApiToken.objects.select_related("user").get(key_hash=digest)
        except ApiToken.DoesNotExist:
            return None
        if len(known) >= _TOKENS_MAX:
            known.clear()
        known[digest] = cached
    if not hmac.compare_digest(cached.key_hash, digest):
        return None
    now = timezone.now()
    if (
        cached.revoked_at is not None
        or (cached.expires_at is not None and cached.expires_at <= now)
        or not cached.user.is_active
        or cached.user.role != cached.role
    ):
        return None
    if cached.last_used_at is None or now - cached.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=cached.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        cached.last_used_at = now
    # The request's own copies: what it sets on them (or caches on them, like a related object)
    # stays with it.
    token = copy.copy(cached)
    user = copy.copy(cached.user)
    token.user = user
    user.api_token = token
    return user
