"""Attachments (photos, videos, documents) as evidence on a case (seed S3 退货依据, S7 上传凭证).

The type is decided by the file's content (magic bytes), never by its name or the browser's
claim; size is limited per kind; the stored name is generated, so no path from the user ever
reaches the file system.
"""

from __future__ import annotations

import hashlib

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from returndesk.accounts.roles import STAFF_ROLES

from .. import errors
from ..models import Attachment, Case
from .events import event_record

ALLOWED = {
    "image/jpeg": ("image", ".jpg"),
    "image/png": ("image", ".png"),
    "image/gif": ("image", ".gif"),
    "image/webp": ("image", ".webp"),
    "image/heic": ("image", ".heic"),
    "video/mp4": ("video", ".mp4"),
    "video/quicktime": ("video", ".mov"),
    "video/webm": ("video", ".webm"),
    "application/pdf": ("document", ".pdf"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("document", ".docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("document", ".xlsx"),
}
MAX_NAME = 255


def attachment_add(*, case: Case, actor, content: bytes, original_name: str = "") -> Attachment:
    """Store one uploaded file on the case and record it on the timeline."""
    if actor is None:
        raise errors.role_forbidden("attach")
    if actor.role not in STAFF_ROLES and actor.customer_id != case.customer_id:
        raise errors.not_own_case()
    if not content:
        raise errors.invalid_input("file", "文件为空", "The file is empty")
    kind_info = filetype.guess(content[:8192])
    mime = kind_info.mime if kind_info else None
    if mime not in ALLOWED:
        raise errors.invalid_input(
            "file",
            "不支持的文件类型,请上传图片(JPG/PNG/GIF/WebP/HEIC)、视频(MP4/MOV/WebM)或文档(PDF/DOCX/XLSX)",
            "Unsupported file type; upload an image (JPG/PNG/GIF/WebP/HEIC), a video (MP4/MOV/WebM) "
            "or a document (PDF/DOCX/XLSX)",
        )
    kind, extension = ALLOWED[mime]
    limit = settings.RETURNDESK_ATTACHMENT_LIMITS[kind]
    if len(content) > limit:
        raise errors.invalid_input(
            "file",
            "文件过大:{size_mb} MB,{kind_zh}最大 {limit_mb} MB",
            "File too large: {size_mb} MB; the limit for {kind_en} files is {limit_mb} MB",
            size_mb=round(len(content) / 1048576, 1),
            limit_mb=round(limit / 1048576, 1),
            kind_en=kind,  # not "kind": DomainError takes kind= as its error class (invalid, conflict…)
            kind_zh=Attachment.Kind(kind).label.split(" / ")[0],
        )
    name = (
        "".join(ch for ch in (original_name or "") if ch.isprintable()).replace("/", "_").replace("\\", "_")
    )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        attachment = Attachment(
            case=locked,
            kind=kind,
            content_type=mime,
            extension=extension,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            original_name=name[-MAX_NAME:],
            uploaded_by=actor,
        )
        attachment.file.save(f"upload{extension}", ContentFile(content), save=False)
        try:
            attachment.save()
            event_record(
                case=locked,
                actor=actor,
                type="attachment_added",
                data={"attachment": str(attachment.id), "kind": kind, "name": attachment.original_name,
                      "size": attachment.size},
                internal=False,
            )  # fmt: skip
        except Exception:  # nothing half-written: drop the stored file if the row did not land
            attachment.file.delete(save=False)
            raise
    return attachment
