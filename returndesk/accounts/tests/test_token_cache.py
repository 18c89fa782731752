"""API tokens are remembered per process (accounts.services._TOKENS) and forgotten on any change
that decides them, however it is written: the cache must never outlive a revocation."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from returndesk.accounts.models import ApiToken, User
from returndesk.accounts.roles import Role
from returndesk.accounts.services import TOKEN_CACHE_IGNORES, api_token_authenticate, api_token_create
from returndesk.core.config import config_scope, tokens

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("returndesk.accounts.migrations.0003_api_token_cache_triggers")


def _issued(role=Role.SYSTEM):
    account = User.objects.create_user(username="shop-sync", password="pw-Return-Desk-1", role=role)
    _token, raw = api_token_create(actor=None, user=account, name="sync")
    with config_scope():
        assert api_token_authenticate(raw) == account  # now remembered (and its last use written)
    return account, raw


def _authenticate_in_a_new_request(raw):
    """As a request does: a configuration scope, then the token."""
    with config_scope(), CaptureQueriesContext(connection) as captured:
        found = api_token_authenticate(raw)
    return found, [q["sql"] for q in captured.captured_queries]


def test_given_a_token_seen_before_when_presented_again_then_no_query_reads_it():
    # given a token used once in this process
    account, raw = _issued()

    # when a later request presents it
    found, statements = _authenticate_in_a_new_request(raw)

    # then the user comes back with the token, and the request read only the cache tokens
    assert (found, found.api_token.name, found.role) == (account, "sync", Role.SYSTEM)
    assert len(statements) == 1 and "core_configversion" in statements[0]


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (lambda a: ApiToken.objects.update(revoked_at=timezone.now()), "token revoked"),
        (
            lambda a: ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1)),
            "token expired",
        ),
        (lambda a: User.objects.filter(pk=a.pk).update(is_active=False), "user deactivated"),
        (lambda a: User.objects.filter(pk=a.pk).update(role=Role.ADMIN), "user's role changed"),
        (lambda a: ApiToken.objects.all().delete(), "token deleted"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_given_a_remembered_token_when_a_bulk_write_without_signals_changes_it_then_the_next_request_is_refused(
    change, what
):
    # given a token remembered by this process
    account, raw = _issued()

    # when a write that sends no model signal (QuerySet.update/delete, like SQL from elsewhere)
    # changes the token or its user
    change(account)

    # then the next request is refused: the trigger gave the cache a new token
    found, _statements = _authenticate_in_a_new_request(raw)
    assert found is None


def test_given_a_remembered_token_when_its_last_use_or_the_users_sign_in_is_written_then_the_cache_is_kept():
    # given a token remembered by this process, and the cache token it was remembered under
    account, raw = _issued()
    with config_scope():
        before = tokens()["accounts.api_tokens"]

    # when the columns written as a matter of course change
    ApiToken.objects.update(last_used_at=timezone.now() + timedelta(minutes=5))
    User.objects.filter(pk=account.pk).update(last_login=timezone.now())

    # then the cache token is the same, and the token is still not read again
    with config_scope():
        assert tokens()["accounts.api_tokens"] == before
    found, statements = _authenticate_in_a_new_request(raw)
    assert found == account
    assert len(statements) == 1


def test_given_a_remembered_token_when_a_request_changes_its_user_object_then_the_next_request_does_not_see_it():
    # given a token remembered by this process
    _account, raw = _issued()

    # when a request changes the user and token objects it was given (never saved)
    with config_scope():
        first = api_token_authenticate(raw)
        first.first_name = "changed in one request"
        first.api_token.name = "changed too"

    # then the next request gets the stored values
    found, _statements = _authenticate_in_a_new_request(raw)
    assert (found.first_name, found.api_token.name) == ("", "sync")
    assert found is not first


def test_given_the_token_and_user_tables_when_listing_their_columns_then_each_is_watched_or_named_as_ignored():
    # given the columns the migration's triggers watch, and those named as not deciding a token
    watched = {
        "accounts_apitoken": set(MIGRATION.TOKEN_COLUMNS),
        "accounts_user": set(MIGRATION.USER_COLUMNS),
    }
    # when comparing with the models' columns (a column added later must be watched or ignored
    # on purpose, with a migration replacing the triggers)
    for model in (ApiToken, User):
        table = model._meta.db_table
        columns = {field.column for field in model._meta.concrete_fields}
        # then every column is one or the other, never both
        assert columns == watched[table] | set(TOKEN_CACHE_IGNORES[table])
        assert not watched[table] & set(TOKEN_CACHE_IGNORES[table])
