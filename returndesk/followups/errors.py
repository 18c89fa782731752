"""Stable error codes of the follow-up domain (followup.*)."""

from returndesk.core.errors import ConflictError, DomainError


def rating_invalid(value) -> DomainError:
    return DomainError(
        "followup.rating_invalid",
        "评分须为 1 到 5 的整数",
        "The rating must be a whole number from 1 to 5",
        fields={"rating": ("须为 1–5", "must be 1–5")},
        value=value,
    )


def resolved_missing() -> DomainError:
    return DomainError(
        "followup.resolved_missing",
        "请说明问题是否已解决",
        "Say whether the problem was resolved",
        fields={"resolved": ("必填", "required")},
    )


def already_done() -> ConflictError:
    return ConflictError(
        "followup.already_done", "本工单已完成回访,不能重复提交", "This case's follow-up is already recorded"
    )


def outcome_invalid(value) -> DomainError:
    return DomainError(
        "followup.outcome_invalid",
        "回访结果须为:已接通、联系不上或客户拒绝",
        "The call outcome must be answered, unreachable or declined",
        fields={"outcome": ("无效的结果", "invalid outcome")},
        value=value,
    )


def comment_too_long() -> DomainError:
    return DomainError(
        "followup.comment_too_long",
        "评价内容不能超过 2000 字",
        "The comment may be at most 2,000 characters",
        fields={"comment": ("最多 2000 字", "at most 2,000 characters")},
    )
