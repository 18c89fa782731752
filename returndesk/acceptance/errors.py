"""Stable error codes of the delivery acceptance domain (acceptance.*)."""

from returndesk.core.errors import ConflictError, DomainError


def already_opened(positions: list[int]) -> ConflictError:
    return ConflictError(
        "acceptance.finding_already_opened",
        "问题 {positions} 已开过工单",
        "Finding(s) {positions} already opened a case",
        positions=", ".join(str(p) for p in positions),
    )


def no_findings() -> DomainError:
    err = DomainError(
        "acceptance.no_findings",
        "没有可开工单的验收问题",
        "There are no inspection findings to open a case from",
    )
    err.fields = {"findings": (err.zh, err.en)}
    return err


def unknown_findings(positions) -> DomainError:
    err = DomainError(
        "acceptance.unknown_findings",
        "本验收工单没有问题 {positions}",
        "This acceptance case has no finding(s) {positions}",
        positions=", ".join(str(p) for p in positions),
    )
    err.fields = {"findings": (err.zh, err.en)}
    return err


def same_order_line(positions) -> DomainError:
    err = DomainError(
        "acceptance.same_order_line",
        "问题 {positions} 属于同一订单行,请分别开工单",
        "Findings {positions} are on the same order line; open a case for each",
        positions=", ".join(str(p) for p in positions),
    )
    err.fields = {"findings": (err.zh, err.en)}
    return err
