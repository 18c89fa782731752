"""Opening a case from the portal (seed S6 step 1, S7 "买家申请退货:选择商品、原因、上传照片/视频",
S9 step 1): the request with its files in one transaction, or a distributor's CSV of lines from
several orders. Every rule is the cases services'; this only makes the whole request atomic."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from returndesk.cases.models import Case, CaseChannel
from returndesk.cases.services import attachment_add, case_create
from returndesk.core.errors import DomainError

from .. import errors
from ..csvreturns import CsvReturn, csv_return_read

MAX_FILES = 10


def portal_return_submit(
    *,
    actor,
    customer,
    type: str,
    lines: list[dict],
    description: str,
    files: Iterable = (),
    contact_phone: str = "",
    contact_email: str = "",
) -> Case:
    """Open the case (cases.services.case_create, channel web) and attach every photo or video
    (cases.services.attachment_add, which types them by content and limits their size) — all or
    nothing: a refused file leaves no case, and no file stored for it. The confirmation to the
    customer is the case's `created` notification (outbox, after commit)."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise errors.invalid("files", "最多上传 {n} 个文件", "Upload at most {n} files", n=MAX_FILES)
    stored = []
    try:
        with transaction.atomic():
            case = case_create(
                actor=actor, customer=customer, type=type, channel=CaseChannel.WEB, lines=lines,
                description=description, contact_phone=contact_phone, contact_email=contact_email,
            )  # fmt: skip
            for upload in files:
                stored.append(
                    attachment_add(
                        case=case, actor=actor, content=upload.read(), original_name=upload.name or ""
                    )
                )
    except BaseException:
        for attachment in stored:  # the rows rolled back; their files must go too
            attachment.file.delete(save=False)
        raise
    return case


def portal_return_csv_submit(
    *, actor, customer, type: str, data: bytes, description: str
) -> tuple[Case | None, CsvReturn]:
    """A distributor's return from a CSV file (csvreturns.py): every row checked first; then one
    case with all the lines (cases.services.case_create). Any error — in a row, or from the case
    services — and nothing is written; the errors name their rows."""
    parsed = csv_return_read(customer=customer, data=data)
    if not parsed.ok:
        return None, parsed
    try:
        case = case_create(
            actor=actor, customer=customer, type=type, channel=CaseChannel.WEB, lines=parsed.lines,
            description=description,
        )  # fmt: skip
    except DomainError as exc:
        parsed.add_domain_error(exc)
        return None, parsed
    return case, parsed


def portal_files_add(*, case: Case, actor, files: Iterable) -> list:
    """More photos or videos on an open case (cases.services.attachment_add for each), all or
    nothing like the request itself."""
    files = list(files)
    if not files:
        raise errors.invalid("files", "请选择要上传的文件", "Choose a file to upload")
    if len(files) > MAX_FILES:
        raise errors.invalid("files", "最多上传 {n} 个文件", "Upload at most {n} files", n=MAX_FILES)
    stored = []
    try:
        with transaction.atomic():
            for upload in files:
                stored.append(
                    attachment_add(
                        case=case, actor=actor, content=upload.read(), original_name=upload.name or ""
                    )
                )
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored
