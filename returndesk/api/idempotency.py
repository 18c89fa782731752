"""Idempotency-Key for every POST under /api/ (draft-ietf-httpapi-idempotency-key-header).

A POST that sends `Idempotency-Key: <1–255 printable ASCII characters>`:
- first time: runs, and its response (status, body, Content-Type, Content-Language, ETag,
  Location) is stored under (caller, key), where the caller is the token, or the signed-in user
  for session requests;
- again with the same method, path and body (compared by SHA-256): the stored response is
  answered again, marked `Idempotent-Replayed: true`, and nothing runs;
- again with a different method, path or body: 422 `idempotency.key_reused`;
- while the first is still running: 409 `idempotency.in_progress` (retry later).

How it stays correct under concurrency and failure: the key row is inserted and committed before
the work (the unique constraint makes a concurrent duplicate collide), then the work and the
storing of its response commit in one transaction. A 5xx rolls both back and releases the key,
so a retry runs again with nothing done twice. Refusals of the request itself (malformed JSON,
schema validation, authentication, CSRF, role: codes request.*, auth.*) are not stored either,
so the caller can fix the request and retry with the same key; domain answers (a 409 duplicate,
a 422 business rule) are stored and replayed like successes. A key left "in progress" by a
process that died (its transaction rolled back) may be taken over after IN_PROGRESS_LEASE.

Keys are kept at least 24 hours; `purge_expired()` (`manage.py purge_idempotency_keys`, and
daily by the huey worker, api/tasks.py) deletes those older than 48 hours.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone, translation

from .auth import caller
from .errors import API_PREFIX, is_protocol_refusal, problem
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
RETENTION = timedelta(hours=48)
IN_PROGRESS_LEASE = timedelta(minutes=10)  # far above any request's run time (gunicorn timeout)
REPLAYED_HEADERS = ("Content-Type", "Content-Language", "ETag", "Location")


def request_hash(request: HttpRequest) -> str:
    """SHA-256 of method, URL and body. A multipart body (file uploads) is hashed from its parsed
    fields and files, read in chunks: reading `request.body` whole would hold the upload in
    memory and refuse anything above DATA_UPLOAD_MAX_MEMORY_SIZE."""
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b"\n" + request.get_full_path().encode() + b"\n")
    if request.content_type != "multipart/form-data":
        digest.update(request.body)
        return digest.hexdigest()
    for name, values in sorted(request.POST.lists()):
        digest.update(json.dumps([name, values]).encode() + b"\n")
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(json.dumps([name, upload.name, upload.size]).encode() + b"\n")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def claim(*, owner: str, key: str, user, method: str, path: str, digest: str):
    """Insert the key (committed at once) or explain why not: returns (record, outcome), outcome
    one of "claimed", "replay", "mismatch", "in_progress"."""
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                _no_flush_wait()
                record = IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key,
                    user=user,
                    method=method,
                    path=path[:500],
                    request_hash=digest,
                    created_at=now,
                    started_at=now,
                )
            return record, "claimed"
        except IntegrityError:
            record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is not None:
            break
        # The first request failed and released the key between our insert and our read.
    else:  # pragma: no cover - released twice in a row
        return None, "in_progress"
    if record.request_hash != digest:
        return record, "mismatch"
    if record.completed_at is not None:
        return record, "replay"
    stale = record.started_at < now - IN_PROGRESS_LEASE
    if stale and IdempotencyRecord.objects.filter(
        pk=record.pk, completed_at__isnull=True, started_at=record.started_at
    ).update(started_at=now):
        return record, "claimed"
    return record, "in_progress"


def _no_flush_wait() -> None:
    """PostgreSQL: commit the claim without waiting for its WAL record to reach the disk. Safe:
    the work's own (synchronous) commit comes later in the same WAL and flushes the claim with
    it; a crash before that loses the claim and the work together, and the retry runs the work.
    Saves one disk flush per POST."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def complete(record: IdempotencyRecord, response: HttpResponse) -> None:
    headers = {name: response[name] for name in REPLAYED_HEADERS if name in response}
    headers.setdefault("Content-Language", translation.get_language() or "")
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        response_body=response.content.decode("utf-8"),
        response_headers=headers,
        completed_at=timezone.now(),
    )


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, completed_at__isnull=True).delete()


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.response_body.encode("utf-8"), status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired(*, older_than: timedelta = RETENTION) -> int:
    """Delete keys created more than `older_than` ago (48 h by default); returns how many."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


class IdempotencyMiddleware:
    """Placed after authentication and locale middleware (it needs the user and the language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not _valid_key(key):
            return problem(
                request,
                400,
                "idempotency.invalid_key",
                f"{HEADER} 必须是 1 到 {MAX_KEY_LENGTH} 个可见 ASCII 字符。",
                f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            )
        who = caller(request)
        if who is None:
            return self.get_response(request)  # not authenticated: the API answers 401
        try:
            digest = request_hash(request)
        except RequestDataTooBig:
            return problem(
                request, 413, "request.too_large", "请求体过大。", "The request body is too large."
            )
        except (MultiPartParserError, SuspiciousOperation):
            return problem(
                request, 400, "request.malformed_body", "请求体格式不正确。", "The request body is malformed."
            )
        owner, user = who
        record, outcome = claim(
            owner=owner, key=key, user=user, method=request.method, path=request.path, digest=digest
        )
        if outcome == "replay":
            return replay(record)
        if outcome == "mismatch":
            return problem(
                request,
                422,
                "idempotency.key_reused",
                "此 Idempotency-Key 已用于另一个请求（方法、地址或请求体不同）。请为新请求使用新的键。",
                "This Idempotency-Key was used for a different request (method, URL or body). Use a new key.",
            )
        if outcome == "in_progress":
            return problem(
                request,
                409,
                "idempotency.in_progress",
                "使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。",
                "A request with this Idempotency-Key is still being processed; retry later.",
            )
        return self._run(request, record)

    def _run(self, request: HttpRequest, record: IdempotencyRecord) -> HttpResponse:
        stored = storing = False
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                elif not is_protocol_refusal(response) and not response.streaming:
                    complete(record, response)
                    storing = True
            stored = storing  # only once the work and the stored response have committed
        finally:
            if not stored:
                release(record)
        return response
