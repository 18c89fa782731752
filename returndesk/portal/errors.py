"""Stable error codes of the portal, each with its Chinese and English message."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from returndesk.core.errors import DomainError


class Throttled(DomainError):
    """Too many attempts: the page answers 429 and says when to try again."""

    def __init__(self, until: datetime) -> None:
        at = timezone.localtime(until).strftime("%H:%M")
        super().__init__(
            "portal.throttled",
            "尝试次数过多,请于 {at} 之后再试",
            "Too many attempts; please try again after {at}",
            kind="throttled",
            at=at,
        )
        self.until = until


def invalid(field: str, zh: str, en: str, **params) -> DomainError:
    err = DomainError("portal.invalid_input", zh, en, **params)
    err.fields = {field: (err.zh, err.en)}
    return err


def code_invalid() -> DomainError:
    # One answer for a wrong, expired, used or never-sent code: nothing tells them apart.
    return invalid(
        "code",
        "验证码不正确或已失效,请检查后重试,或重新获取验证码",
        "The code is wrong or no longer valid; check it, or ask for a new code",
    )


def csv_invalid() -> DomainError:
    return DomainError(
        "portal.csv_invalid",
        "文件有错误,未提交任何内容,请修改后重新上传",
        "The file has errors; nothing was submitted. Correct it and upload it again",
    )
