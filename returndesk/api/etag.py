"""Optimistic concurrency over HTTP: a versioned resource (a case) answers its version as a
strong ETag, `ETag: "<version>"`; an action sent with `If-Match: "<version>"` runs only if that
is still the current version, else 412 `<entity>.precondition_failed`.

In a router (the cases router follows this):

    @router.post("/cases/{case_id}/approve", response=CaseOut)
    def approve(request, response: HttpResponse, case_id: UUID, payload: ApproveIn):
        expected = if_match_version(request, entity="case")        # None without If-Match
        case = case_get_for_user(user=request.auth, case_id=case_id)
        with stale_as_precondition_failed(expected, entity="case"):
            case = case_approve(case=case, actor=request.auth, expected_version=expected, ...)
        set_etag(response, case.version)
        return case

The service compares `expected_version` under the row lock, so the check and the change are
one step. Without If-Match the service still refuses a copy changed concurrently, as a 409.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse

from returndesk.core.errors import DomainError

STRONG_ETAG = re.compile(r'^"(\d{1,10})"$')


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag_for(version)


def precondition_failed(entity: str) -> DomainError:
    return DomainError(
        f"{entity}.precondition_failed",
        "数据已被修改（If-Match 与当前版本不符），请重新读取后再试。",
        "The resource has changed (If-Match does not match the current version); fetch it again and retry.",
        kind="precondition",
    )


def if_match_version(request: HttpRequest, *, entity: str) -> int | None:
    """The version named by If-Match, or None when the header is absent or `*` (any version).

    Only a single strong tag can match (RFC 9110 13.1.1 compares If-Match strongly): a weak
    tag, a list, or anything else malformed can never match, so it is refused with 412 at once.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = STRONG_ETAG.match(header.strip())
    if match is None:
        raise precondition_failed(entity)
    return int(match.group(1))


@contextmanager
def stale_as_precondition_failed(expected: int | None, *, entity: str) -> Iterator[None]:
    """Around a service called with `expected_version=expected`: when the client sent If-Match,
    the service's stale-copy conflict (`<entity>.conflict`) is answered as 412 instead of 409."""
    try:
        yield
    except DomainError as exc:
        if expected is not None and exc.code == f"{entity}.conflict":
            raise precondition_failed(entity) from exc
        raise
