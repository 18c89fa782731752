"""Idempotency-Key on POST: replay, refusal of a reused key, scopes, failures, retention."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.accounts.services import api_token_create
from returndesk.api import idempotency
from returndesk.api.models import IdempotencyRecord
from returndesk.catalog import services as catalog_services
from returndesk.catalog.models import Customer

from .conftest import Api, api_as, make_user

pytestmark = pytest.mark.django_db
KEY = {"Idempotency-Key": "order-sync-0001"}
BODY = {"code": "C1", "name": "华东经销商"}


@pytest.fixture
def user(db):
    return make_user(Role.SALES)


@pytest.fixture
def api(user):
    return api_as(user)


def test_given_the_same_key_and_body_when_posting_twice_then_the_first_response_is_replayed_and_one_customer_exists(
    api,
):
    # given
    first = api.post("/customers", BODY, **KEY)

    # when
    second = api.post("/customers", BODY, **KEY)

    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Customer.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.status_code, record.completed_at is not None) == ("order-sync-0001", 201, True)


def test_given_a_replay_when_answered_then_nothing_runs_again(api, monkeypatch):
    api.post("/customers", BODY, **KEY)
    calls = []
    monkeypatch.setattr(catalog_services, "customer_create", lambda **kw: calls.append(kw))

    response = api.post("/customers", BODY, **KEY)

    assert (response.status_code, calls) == (201, [])


def test_given_a_replay_in_another_language_when_answered_then_the_stored_language_is_kept(api):
    Customer.objects.create(code="C1", name="existing")
    first = api.post("/customers", BODY, **KEY, **{"Accept-Language": "en"})

    second = api.post("/customers", BODY, **KEY, **{"Accept-Language": "zh-CN"})

    assert (first.status_code, second.status_code) == (409, 409)
    assert second.json()["detail"] == first.json()["detail"] == "Customer code C1 already exists."
    assert second["Content-Language"] == "en"


def test_given_the_same_key_with_another_body_when_posting_then_422_key_reused_and_nothing_created(api):
    api.post("/customers", BODY, **KEY)

    response = api.post("/customers", {**BODY, "code": "C2"}, **KEY)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency.key_reused"
    assert list(Customer.objects.values_list("code", flat=True)) == ["C1"]


def test_given_the_same_key_on_another_path_when_posting_then_422_key_reused(api):
    api.post("/customers", BODY, **KEY)

    response = api.post("/products", BODY, **KEY)

    assert (response.status_code, response.json()["code"]) == (422, "idempotency.key_reused")


def test_given_two_users_when_they_use_the_same_key_then_each_gets_their_own_result():
    # given
    alice, bob = api_as(make_user(Role.SALES)), api_as(make_user(Role.AGENT))

    # when
    a = alice.post("/customers", BODY, **KEY)
    b = bob.post("/customers", {**BODY, "code": "C2"}, **KEY)

    # then
    assert (a.status_code, b.status_code) == (201, 201)
    assert sorted(Customer.objects.values_list("code", flat=True)) == ["C1", "C2"]
    assert IdempotencyRecord.objects.count() == 2


def test_given_two_tokens_of_one_user_when_they_use_the_same_key_then_they_are_independent(user):
    _token, raw = api_token_create(actor=None, user=user, name="second")
    first, second = api_as(user), Api(Client(), {"Authorization": f"Bearer {raw}"})

    a = first.post("/customers", BODY, **KEY)
    b = second.post("/customers", {**BODY, "code": "C2"}, **KEY)

    assert (a.status_code, b.status_code) == (201, 201)
    owners = set(IdempotencyRecord.objects.values_list("owner", flat=True))
    assert len(owners) == 2 and all(owner.startswith("token:") for owner in owners)


def test_given_a_session_user_when_using_a_key_then_it_is_scoped_to_the_user(user):
    client = Client()
    client.force_login(user)
    api = Api(client)

    first = api.post("/customers", BODY, **KEY)
    second = api.post("/customers", BODY, **KEY)

    assert (first.status_code, second["Idempotent-Replayed"]) == (201, "true")
    assert IdempotencyRecord.objects.get().owner == f"user:{user.pk}"


def test_given_a_duplicate_arriving_while_the_first_runs_then_409_in_progress_and_one_customer(
    api, monkeypatch
):
    # given the duplicate arrives while the first request is inside the service
    real_create = catalog_services.customer_create
    duplicates = []

    def create_while_a_duplicate_arrives(**kwargs):
        duplicates.append(api.post("/customers", BODY, **KEY))
        return real_create(**kwargs)

    monkeypatch.setattr(catalog_services, "customer_create", create_while_a_duplicate_arrives)

    # when
    first = api.post("/customers", BODY, **KEY)

    # then
    (duplicate,) = duplicates
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "idempotency.in_progress")
    assert first.status_code == 201
    assert Customer.objects.count() == 1


def test_given_an_abandoned_in_progress_key_after_the_lease_when_repeated_then_it_runs(api):
    api.post("/customers", BODY, **KEY)
    Customer.objects.all().delete()  # as if the first run's transaction had been rolled back
    IdempotencyRecord.objects.update(completed_at=None, status_code=None, response_body="")

    with time_machine.travel(timezone.now() + idempotency.IN_PROGRESS_LEASE + timedelta(seconds=1)):
        response = api.post("/customers", BODY, **KEY)

    assert response.status_code == 201
    assert Customer.objects.count() == 1
    assert IdempotencyRecord.objects.get().completed_at is not None


def test_given_a_server_error_when_retried_with_the_same_key_then_it_runs_again_and_once(api, monkeypatch):
    # given the first attempt crashes after creating the customer
    real_create = catalog_services.customer_create

    def create_then_crash(**kwargs):
        real_create(**kwargs)
        raise RuntimeError("crash after the write")

    monkeypatch.setattr(catalog_services, "customer_create", create_then_crash)
    failed = api.post("/customers", BODY, **KEY)
    monkeypatch.setattr(catalog_services, "customer_create", real_create)

    # when
    retried = api.post("/customers", BODY, **KEY)

    # then the crash rolled back its write and released the key
    assert failed.status_code == 500
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert Customer.objects.count() == 1


def test_given_a_validation_error_when_fixed_and_retried_with_the_same_key_then_it_runs(api):
    refused = api.post("/customers", {"code": "C1"}, **KEY)

    fixed = api.post("/customers", BODY, **KEY)

    assert (refused.status_code, fixed.status_code) == (422, 201)
    assert Customer.objects.count() == 1


def test_given_malformed_json_when_retried_with_the_same_key_then_it_runs(api):
    refused = api.post("/customers", raw="{", **KEY)

    fixed = api.post("/customers", BODY, **KEY)

    assert (refused.status_code, fixed.status_code) == (400, 201)


def test_given_a_domain_refusal_when_repeated_then_it_is_replayed(api):
    Customer.objects.create(code="C1", name="existing")
    first = api.post("/customers", BODY, **KEY)
    Customer.objects.all().delete()

    second = api.post("/customers", BODY, **KEY)

    assert (first.status_code, second.status_code) == (409, 409)
    assert second["Idempotent-Replayed"] == "true"
    assert Customer.objects.count() == 0


def test_given_a_role_refusal_when_repeated_after_the_fix_then_it_runs():
    user = make_user(Role.WAREHOUSE)
    api = api_as(user)
    refused = api.post("/customers", BODY, **KEY)
    user.role = Role.SALES
    user.save(update_fields=["role"])

    allowed = api_as(user).post("/customers", BODY, **KEY)

    assert (refused.status_code, allowed.status_code) == (403, 201)


def test_given_no_credentials_when_posting_with_a_key_then_401_and_no_key_stored():
    response = api_as(None).post("/customers", BODY, **KEY)

    assert response.status_code == 401
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "含中文", "with space"])
def test_given_an_invalid_key_when_posting_then_400_invalid_key_and_nothing_created(api, key):
    response = api.post("/customers", BODY, **{"Idempotency-Key": key})

    assert (response.status_code, response.json()["code"]) == (400, "idempotency.invalid_key")
    assert Customer.objects.count() == 0


def test_given_no_key_when_posting_twice_then_both_run(api):
    api.post("/customers", BODY)

    response = api.post("/customers", BODY)

    assert response.json()["code"] == "customer.duplicate_code"
    assert IdempotencyRecord.objects.count() == 0


# --- retention ------------------------------------------------------------------------------


def test_given_keys_of_various_ages_when_purging_then_only_those_older_than_48_hours_go(api):
    now = timezone.now()
    for hours, key in ((49, "old"), (47, "recent")):
        with time_machine.travel(now - timedelta(hours=hours)):
            api.post("/customers", {**BODY, "code": key}, **{"Idempotency-Key": key})

    deleted = idempotency.purge_expired()

    assert deleted == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_given_the_command_when_run_then_it_purges_and_reports():
    out = StringIO()

    call_command("purge_idempotency_keys", stdout=out)

    assert out.getvalue().strip() == "Deleted 0 idempotency keys older than 48 h."


def test_given_fewer_than_24_hours_when_running_the_command_then_refused():
    with pytest.raises(CommandError, match="at least 24"):
        call_command("purge_idempotency_keys", "--hours", "23", stdout=StringIO())


# --- real concurrency (PostgreSQL: SQLite serialises writers, so a duplicate waits instead) ---


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_two_concurrent_requests_with_one_key_when_both_run_then_one_works_and_the_other_gets_409(
    monkeypatch,
):
    # given the first request is held inside the service until the duplicate has been answered
    api = api_as(make_user(Role.SALES))
    real_create = catalog_services.customer_create
    inside, release = threading.Event(), threading.Event()

    def held_create(**kwargs):
        inside.set()
        release.wait(timeout=30)
        return real_create(**kwargs)

    monkeypatch.setattr(catalog_services, "customer_create", held_create)
    answers = {}

    def first():
        try:
            answers["first"] = api.post("/customers", BODY, **KEY)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(timeout=30)

    # when
    answers["duplicate"] = api.post("/customers", BODY, **KEY)
    release.set()
    thread.join(timeout=30)

    # then
    assert (answers["duplicate"].status_code, answers["duplicate"].json()["code"]) == (
        409,
        "idempotency.in_progress",
    )
    assert answers["first"].status_code == 201
    assert Customer.objects.count() == 1
    assert api.post("/customers", BODY, **KEY)["Idempotent-Replayed"] == "true"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_a_keyed_post_when_it_runs_then_only_the_claim_commits_without_waiting_for_the_disk():
    """The claim's commit skips the WAL flush; the work's commit (which flushes the claim's WAL
    record with its own) stays synchronous."""
    from django.test.utils import CaptureQueriesContext

    api = api_as(make_user(Role.SALES))
    with CaptureQueriesContext(connection) as captured:
        assert api.post("/customers", BODY, **KEY).status_code == 201
    statements = [q["sql"] for q in captured]
    claim = statements.index("SET LOCAL synchronous_commit TO OFF")
    assert statements.count("SET LOCAL synchronous_commit TO OFF") == 1
    assert statements[claim - 1] == "BEGIN" and statements[claim + 1].startswith(
        'INSERT INTO "api_idempotencyrecord"'
    )
    assert statements[claim + 2] == "COMMIT"  # SET LOCAL ends with the claim's transaction
    assert statements[claim + 3] == "BEGIN" and statements[-1] == "COMMIT"  # the work: the server's setting


def test_given_stored_keys_when_the_admin_lists_them_then_they_show_read_only(api):
    api.post("/customers", BODY, **KEY)
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-Return-Desk-1"))

    listing = client.get("/admin/api/idempotencyrecord/")

    assert listing.status_code == 200
    assert "order-sync-0001" in listing.content.decode()
    assert client.get("/admin/api/idempotencyrecord/add/").status_code == 403


# --- request hash of uploads ----------------------------------------------------------------


def _upload(content: bytes, note: str = "photo"):
    return RequestFactory().post(
        "/api/v1/cases/x/attachments", {"note": note, "file": SimpleUploadedFile("a.jpg", content)}
    )


def test_given_the_same_upload_when_hashed_then_the_same_and_another_file_or_field_differs():
    same = idempotency.request_hash(_upload(b"jpeg-bytes")), idempotency.request_hash(_upload(b"jpeg-bytes"))
    other_file = idempotency.request_hash(_upload(b"other-bytes"))
    other_field = idempotency.request_hash(_upload(b"jpeg-bytes", note="receipt"))

    assert same[0] == same[1]
    assert len({same[0], other_file, other_field}) == 3


def test_given_an_upload_above_the_in_memory_limit_when_hashed_then_no_error_and_the_file_is_still_readable(
    settings,
):
    content = b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    request = _upload(content)

    idempotency.request_hash(request)

    assert request.FILES["file"].read() == content
