"""Stable error codes of the cases domain, each with its Chinese and English message."""

from returndesk.core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from returndesk.core.i18n import both


def not_found() -> NotFound:
    return NotFound("case.not_found", "工单不存在", "Case not found")


def conflict(number: str) -> ConflictError:
    return ConflictError(
        "case.conflict",
        "工单 {number} 已被他人修改,请刷新后重试",
        "Case {number} was changed by someone else; reload and try again",
        number=number,
    )


def action_unknown(action: str) -> DomainError:
    return DomainError("case.action_unknown", "未知操作:{action}", "Unknown action: {action}", action=action)


def action_not_for_type(action: str, case_type: str) -> DomainError:
    return DomainError(
        "case.action_not_for_type",
        "该类型工单没有此操作:{action}",
        "This type of case has no action '{action}'",
        action=action,
        case_type=case_type,
    )


def action_not_in_status(action: str, status_label: str) -> ConflictError:
    zh, en = both(status_label)
    return ConflictError(
        "case.action_not_allowed_now",
        "工单当前状态为「{status_zh}」,不能执行此操作",
        "The case is '{status_en}'; this action is not possible now",
        status_zh=zh,
        status_en=en,
        action=action,
    )


def role_forbidden(action: str) -> PermissionDenied:
    return PermissionDenied(
        "case.role_forbidden", "您的角色无权执行此操作", "Your role may not take this action", action=action
    )


def not_own_case() -> PermissionDenied:
    return PermissionDenied("case.not_own_case", "只能操作您自己的工单", "You can act only on your own cases")


def guard_failed(name: str, zh: str, en: str) -> DomainError:
    return DomainError(f"case.guard.{name}", zh, en, kind="invalid")


def missing_inputs(names: dict[str, tuple[str, str]]) -> DomainError:
    return DomainError(
        "case.missing_inputs",
        "请填写:{names_zh}",
        "Please fill in: {names_en}",
        fields={name: ("此项必填", "This field is required") for name in names},
        names_zh="、".join(z for z, _ in names.values()),
        names_en=", ".join(e for _, e in names.values()),
    )


def invalid_input(field: str, zh: str, en: str, **params) -> DomainError:
    err = DomainError("case.invalid_input", zh, en, **params)
    err.fields = {field: (err.zh, err.en)}
    return err


def quantity_exceeded(line_label: str, requested: int, available: int) -> ConflictError:
    return ConflictError(
        "case.quantity_exceeded",
        "{line} 可退数量为 {available},申请了 {requested}",
        "{line}: only {available} can be returned, {requested} requested",
        line=line_label,
        requested=requested,
        available=available,
    )


def policy_refused(lines: list[tuple[int, str, str, str]]) -> DomainError:
    """The policy refuses the request: (line number, rule, why zh, why en) for each refused line."""
    return DomainError(
        "case.policy_refused",
        "{reasons_zh}",
        "{reasons_en}",
        fields={f"lines[{n}]": (zh, en) for n, _rule, zh, en in lines},
        reasons_zh=";".join(f"第 {n} 行:{zh}" for n, _rule, zh, _en in lines),
        reasons_en="; ".join(f"Line {n}: {en}" for n, _rule, _zh, en in lines),
        rules=sorted({rule for _n, rule, _zh, _en in lines}),
    )


def policy_override_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "case.policy_override_forbidden",
        "只有客服主管、销售或总经理可以说明理由后越过政策",
        "Only a service supervisor, sales or the general manager may override the policy, with a reason",
    )


def nothing_to_override() -> DomainError:
    return DomainError(
        "case.policy_nothing_to_override",
        "本工单没有需要越过的政策限制",
        "Nothing in the policy blocks this case",
    )


def evidence_not_required() -> DomainError:
    return DomainError(
        "case.evidence_not_required", "本工单不要求上传照片或视频", "This case does not need photos or video"
    )


def evidence_already_waived() -> ConflictError:
    return ConflictError("case.evidence_already_waived", "已免除上传凭证", "The evidence was already waived")


def attachment_not_found() -> NotFound:
    return NotFound("case.attachment_not_found", "附件不存在", "Attachment not found")
