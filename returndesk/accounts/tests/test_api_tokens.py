import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from returndesk.accounts.models import ApiToken, User
from returndesk.accounts.roles import Role
from returndesk.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_hash,
    api_token_install_known,
    api_token_revoke,
)
from returndesk.core.errors import DomainError

pytestmark = pytest.mark.django_db
TOKEN_RE = re.compile(r"^rd_([0-9a-f]{8})_[A-Za-z0-9_\-]{43}$")


def user(username="integration", role=Role.SYSTEM, **kw) -> User:
    return User.objects.create_user(username=username, password="pw-Return-Desk-1", role=role, **kw)


def test_given_a_user_when_issuing_a_token_then_only_its_hash_and_prefix_are_stored():
    # given
    account = user()

    # when
    token, raw = api_token_create(actor=None, user=account, name=" 天猫同步 ", expires_at=None)

    # then
    match = TOKEN_RE.match(raw)
    assert match is not None
    stored = ApiToken.objects.get()
    assert (stored.pk, stored.name, stored.user, stored.role, stored.prefix) == (
        token.pk,
        "天猫同步",
        account,
        Role.SYSTEM,
        match.group(1),
    )
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    secret = raw.split("_", 2)[2]
    assert all(secret not in str(value) for value in ApiToken.objects.values().get().values())
    assert (stored.last_used_at, stored.revoked_at, stored.expires_at) == (None, None, None)


def test_given_two_tokens_when_issued_then_their_secrets_and_hashes_differ():
    account = user()

    (_t1, raw1), (_t2, raw2) = (api_token_create(actor=None, user=account, name=n) for n in ("a", "b"))

    assert raw1 != raw2
    assert ApiToken.objects.values("key_hash").distinct().count() == 2


def test_given_a_valid_token_when_authenticating_then_the_user_comes_back_and_last_used_is_recorded():
    # given
    account = user()
    token, raw = api_token_create(actor=None, user=account, name="sync")

    # when
    with time_machine.travel(timezone.now(), tick=False) as clock:
        found = api_token_authenticate(raw)
        first_use = timezone.now()
        clock.shift(timedelta(seconds=30))
        api_token_authenticate(raw)
        after_30s = ApiToken.objects.get().last_used_at
        clock.shift(timedelta(seconds=31))
        api_token_authenticate(raw)
        after_61s = ApiToken.objects.get().last_used_at

    # then written on first use, not again within the minute, then again
    assert found == account
    assert found.api_token.pk == token.pk
    assert after_30s == first_use
    assert after_61s == first_use + timedelta(seconds=61)


@pytest.mark.parametrize(
    "presented",
    ["", "rd_", "rd_deadbeef_wrong", "Bearer x", "x" * 500],
)
def test_given_an_unknown_token_when_authenticating_then_none(presented):
    account = user()
    api_token_create(actor=None, user=account, name="sync")

    assert api_token_authenticate(presented) is None
    assert ApiToken.objects.get().last_used_at is None


def test_given_a_revoked_token_when_authenticating_then_none():
    # given
    admin = user("admin", Role.ADMIN)
    token, raw = api_token_create(actor=admin, user=user(), name="sync")

    # when
    api_token_revoke(actor=admin, token=token)

    # then
    stored = ApiToken.objects.get()
    assert (stored.revoked_at is not None, stored.revoked_by) == (True, admin)
    assert api_token_authenticate(raw) is None


def test_given_a_revoked_token_when_revoking_again_then_the_first_revocation_is_kept():
    admin = user("admin", Role.ADMIN)
    token, _raw = api_token_create(actor=admin, user=user(), name="sync")
    api_token_revoke(actor=admin, token=token)
    first = ApiToken.objects.get().revoked_at

    api_token_revoke(actor=None, token=token)

    assert ApiToken.objects.get().revoked_at == first


def test_given_an_expired_token_when_authenticating_then_none():
    _token, raw = api_token_create(
        actor=None, user=user(), name="sync", expires_at=timezone.now() + timedelta(days=1)
    )

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert api_token_authenticate(raw) is None


def test_given_the_users_role_changed_when_authenticating_then_the_token_no_longer_works():
    # given a token issued while the user was in sales
    account = user("li", Role.SALES)
    _token, raw = api_token_create(actor=None, user=account, name="laptop script")

    # when the user moves to finance
    account.role = Role.FINANCE
    account.save(update_fields=["role"])

    # then
    assert api_token_authenticate(raw) is None


def test_given_an_inactive_user_when_authenticating_then_none():
    account = user()
    _token, raw = api_token_create(actor=None, user=account, name="sync")
    account.is_active = False
    account.save(update_fields=["is_active"])

    assert api_token_authenticate(raw) is None


@pytest.mark.parametrize("role", [Role.AGENT, Role.SALES, Role.FINANCE, Role.SYSTEM])
def test_given_a_non_admin_actor_when_issuing_a_token_for_someone_then_forbidden_and_nothing_stored(role):
    with pytest.raises(DomainError) as caught:
        api_token_create(actor=user("actor", role), user=user(), name="sync")

    assert (caught.value.code, caught.value.kind) == ("api_token.forbidden", "forbidden")
    assert ApiToken.objects.count() == 0


def test_given_someone_elses_token_when_a_non_admin_revokes_it_then_forbidden_and_still_valid():
    _token, raw = api_token_create(actor=None, user=user(), name="sync")
    token = ApiToken.objects.get()

    with pytest.raises(DomainError) as caught:
        api_token_revoke(actor=user("agent", Role.AGENT), token=token)

    assert caught.value.code == "api_token.forbidden"
    assert ApiToken.objects.get().revoked_at is None
    assert api_token_authenticate(raw) is not None


def test_given_their_own_token_when_a_user_revokes_it_then_revoked():
    account = user("li", Role.SALES)
    token, raw = api_token_create(actor=None, user=account, name="script")

    api_token_revoke(actor=account, token=token)

    assert api_token_authenticate(raw) is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": "  "}, "api_token.invalid_name"),
        ({"name": "x" * 101}, "api_token.invalid_name"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "api_token.invalid_expiry"),
    ],
)
def test_given_invalid_input_when_issuing_then_refused_and_nothing_stored(kwargs, code):
    with pytest.raises(DomainError) as caught:
        api_token_create(actor=None, user=user(), **{"name": "sync", **kwargs})

    assert caught.value.code == code
    assert ApiToken.objects.count() == 0


def test_given_an_inactive_user_when_issuing_then_refused():
    account = user(is_active=False)

    with pytest.raises(DomainError) as caught:
        api_token_create(actor=None, user=account, name="sync")

    assert caught.value.code == "api_token.inactive_user"
    assert ApiToken.objects.count() == 0


# --- management command ---------------------------------------------------------------------


def test_given_a_username_when_running_create_api_token_then_the_token_is_printed_once_and_works():
    account = user("tmall")
    out, err = StringIO(), StringIO()

    call_command("create_api_token", "--user", "tmall", "--name", "天猫同步", stdout=out, stderr=err)

    raw = out.getvalue().strip()
    assert TOKEN_RE.match(raw)
    assert api_token_authenticate(raw) == account
    assert raw not in err.getvalue()
    assert ApiToken.objects.get().name == "天猫同步"


def test_given_an_unknown_username_when_running_create_api_token_then_error_and_nothing_stored():
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("create_api_token", "--user", "ghost", "--name", "x", stdout=StringIO())

    assert ApiToken.objects.count() == 0


# --- admin ----------------------------------------------------------------------------------


def _admin_client() -> tuple[Client, User]:
    admin = User.objects.create_superuser("root", "root@example.com", "pw-Return-Desk-1", role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return client, admin


def test_given_the_admin_add_page_when_issuing_then_the_plaintext_is_in_that_answer_only():
    # given
    client, _admin = _admin_client()
    account = user("tmall")

    # when
    response = client.post("/admin/accounts/apitoken/add/", {"user": account.pk, "name": "天猫同步"})

    # then
    assert response.status_code == 200
    html = response.content.decode()
    raw = re.search(r'<code id="api-token"[^>]*>([^<]+)</code>', html).group(1)
    assert api_token_authenticate(raw) == account
    assert "no-store" in response["Cache-Control"]
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert ApiToken.objects.get().prefix in listing
    assert raw not in listing


def test_given_the_revoke_action_when_applied_then_the_selected_tokens_stop_working():
    client, _admin = _admin_client()
    token, raw = api_token_create(actor=None, user=user("tmall"), name="sync")

    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)]}
    )

    assert response.status_code == 302
    assert api_token_authenticate(raw) is None


def test_given_the_admin_add_page_when_opened_then_the_issue_form_lists_only_active_users():
    client, _admin = _admin_client()
    user("active-one")
    user("gone", is_active=False)

    response = client.get("/admin/accounts/apitoken/add/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "active-one" in html
    assert "gone" not in html
    assert ApiToken.objects.count() == 0


def test_given_a_past_expiry_in_the_admin_when_issuing_then_the_form_shows_the_error_and_nothing_is_stored():
    client, _admin = _admin_client()
    account = user("tmall")

    response = client.post(
        "/admin/accounts/apitoken/add/",
        {"user": account.pk, "name": "sync", "expires_at": "2000-01-01 00:00"},
    )

    assert response.status_code == 200
    assert "api-token" not in response.content.decode()
    assert "必须是将来的时间。" in response.content.decode()
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        "",
        "rd_demo0000_short",
        "xx_demo0000_local-demo-only-never-use",
        "rd_DEMO0000_local-demo-only-never-use",
    ],
)
def test_given_a_malformed_plaintext_when_installing_a_known_token_then_it_is_refused_and_nothing_stored(raw):
    user = User.objects.create_user("sync", password=None, role=Role.SYSTEM)

    with pytest.raises(DomainError) as refused:
        api_token_install_known(user=user, name="sync", raw=raw)

    assert refused.value.code == "api_token.invalid_format"
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_given_a_known_token_when_installed_twice_then_one_row_holds_its_hash_and_it_authenticates():
    user = User.objects.create_user("sync", password=None, role=Role.SYSTEM)
    raw = "rd_demo0000_local-demo-only-never-use-in-production"

    first = api_token_install_known(user=user, name="demo", raw=raw)
    second = api_token_install_known(user=user, name="demo", raw=raw)

    assert first.pk == second.pk and ApiToken.objects.count() == 1
    assert (first.prefix, first.role, first.key_hash) == ("demo0000", Role.SYSTEM, api_token_hash(raw))
    assert api_token_authenticate(raw) == user
