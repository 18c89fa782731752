"""Stable error codes of the repair domain (repair.*)."""

from returndesk.core.errors import ConflictError, DomainError


def _field(code: str, field: str, zh: str, en: str, **params) -> DomainError:
    err = DomainError(code, zh, en, **params)
    err.fields = {field: (err.zh, err.en)}
    return err


def covered_no_quote() -> DomainError:
    return _field(
        "repair.covered_no_quote", "parts",
        "保修期内且无人为损坏等除外情形,应免费维修,不能报价(请用「检测确认」)",
        "Under warranty with no exclusion the repair is free and cannot be quoted (use diagnose)",
    )  # fmt: skip


def not_covered(zh: str, en: str) -> DomainError:
    return DomainError(
        "repair.not_covered",
        "不在免费保修范围:{why_zh};请出具维修报价",
        "Not covered by the free warranty: {why_en}; send a quote instead",
        why_zh=zh,
        why_en=en,
    )


def quote_empty() -> DomainError:
    return _field(
        "repair.quote_empty", "parts",
        "付费维修须报价:请填写配件和/或工时费,合计须大于 0",
        "A paid repair needs a quote: give parts and/or labour adding up to more than 0",
    )  # fmt: skip


def quote_item_invalid(field: str, n: int) -> DomainError:
    return _field(
        "repair.quote_item_invalid", field,
        "第 {n} 个配件:请填写名称、数量(正整数)和单价(不小于 0 的金额字符串)",
        "Part {n}: give a name, a quantity (a positive whole number) and a unit price (an amount string, 0 or more)",
        n=n,
    )  # fmt: skip


def amount_invalid(field: str, value) -> DomainError:
    return _field(
        "repair.amount_invalid", field,
        "金额须为不小于 0 的金额字符串(如 \"120.00\"),收到 {value}",
        "The amount must be a string amount of 0 or more (e.g. \"120.00\"), got {value}",
        value=value,
    )  # fmt: skip


def exclusion_invalid(value) -> DomainError:
    return _field(
        "repair.exclusion_invalid",
        "exclusion",
        "无效的除外情形:{value}",
        "Invalid exclusion: {value}",
        value=value,
    )


def outcome_invalid(value) -> DomainError:
    return _field(
        "repair.outcome_invalid", "outcome",
        "维修结论须为「已修复」(fixed)或「未能修复」(not_fixed),收到 {value}",
        "The outcome must be 'fixed' or 'not_fixed', got {value}",
        value=value,
    )  # fmt: skip


def fault_invalid(value) -> DomainError:
    return _field(
        "repair.fault_invalid", "fault",
        "请选择具体的故障原因(原因代码,如 Q01),收到 {value}",
        "Choose a specific fault (a reason code such as Q01), got {value}",
        value=value,
    )  # fmt: skip


def not_diagnosed() -> ConflictError:
    return ConflictError("repair.not_diagnosed", "本工单尚未检测诊断", "The case has not been diagnosed")


def quote_not_pending() -> ConflictError:
    return ConflictError(
        "repair.quote_not_pending", "没有待确认的维修报价", "No repair quote awaits a decision"
    )


def quote_not_declined() -> ConflictError:
    return ConflictError(
        "repair.quote_not_declined",
        "客户未拒绝报价,不能原样寄回",
        "The quote was not declined; nothing to send back",
    )
