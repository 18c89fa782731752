"""Domain errors: a stable code plus a message in Chinese and English.

Every interface (API, pages, commands) turns a DomainError into its own form of error; the
message shown follows the active language (zh-hans by default, en on request).
"""

from __future__ import annotations

from django.utils import translation


class DomainError(Exception):
    """A refused business action. `code` is stable (e.g. "case.quantity_exceeded").

    `kind` tells interfaces how to answer: invalid (422), forbidden (403), not_found (404),
    conflict (409), precondition (412).
    """

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        *,
        kind: str = "invalid",
        fields: dict[str, tuple[str, str]] | None = None,
        **params,
    ) -> None:
        self.code = code
        self.zh = zh.format(**params) if params else zh
        self.en = en.format(**params) if params else en
        self.kind = kind
        self.fields = fields or {}
        self.params = params
        super().__init__(f"{code}: {self.en}")

    @property
    def message(self) -> str:
        return self.message_in(translation.get_language())

    def message_in(self, language: str | None) -> str:
        return self.en if (language or "").lower().startswith("en") else self.zh

    def field_messages(self, language: str | None = None) -> dict[str, str]:
        lang = language or translation.get_language() or "zh-hans"
        return {name: (en if lang.startswith("en") else zh) for name, (zh, en) in self.fields.items()}


class ConflictError(DomainError):
    def __init__(self, code: str, zh: str, en: str, **params) -> None:
        super().__init__(code, zh, en, kind="conflict", **params)


class PermissionDenied(DomainError):
    def __init__(self, code: str, zh: str, en: str, **params) -> None:
        super().__init__(code, zh, en, kind="forbidden", **params)


class NotFound(DomainError):
    def __init__(self, code: str, zh: str, en: str, **params) -> None:
        super().__init__(code, zh, en, kind="not_found", **params)
