"""Stable error codes of the improvements app (zh + en)."""

from returndesk.core.errors import DomainError, NotFound, PermissionDenied


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "improvement.forbidden",
        "您的角色无权开立或修改改进措施",
        "Your role may not open or change improvement actions",
    )


def invalid(field: str, zh: str, en: str, **params) -> DomainError:
    error = DomainError("improvement.invalid", zh, en, **params)
    error.fields = {field: (error.zh, error.en)}
    return error


def bad_status(current: str, wanted: str) -> DomainError:
    return DomainError(
        "improvement.status_not_allowed",
        "不能从「{current}」改为「{wanted}」",
        "An action cannot go from '{current}' to '{wanted}'",
        kind="conflict",
        current=current,
        wanted=wanted,
    )


def not_found() -> NotFound:
    return NotFound("improvement.not_found", "没有这个改进措施", "No such improvement action")
