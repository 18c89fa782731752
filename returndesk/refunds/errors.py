"""Stable error codes of the refunds domain, each with its Chinese and English message."""

from __future__ import annotations

from decimal import Decimal

from returndesk.core.errors import ConflictError, DomainError, NotFound, PermissionDenied


def not_found() -> NotFound:
    return NotFound("refund.not_found", "退款记录不存在", "Refund not found")


def credit_note_not_found() -> NotFound:
    return NotFound("refund.credit_note_not_found", "红字冲销凭证不存在", "Credit note not found")


def export_not_found() -> NotFound:
    return NotFound("refund.export_not_found", "导出批次不存在", "Export not found")


def role_forbidden() -> PermissionDenied:
    return PermissionDenied("refund.role_forbidden", "只有财务部可以执行此操作", "Only finance may do this")


def invalid(field: str, zh: str, en: str, **params) -> DomainError:
    err = DomainError("refund.invalid_input", zh, en, **params)
    err.fields = {field: (err.zh, err.en)}
    return err


def unknown_route(value) -> DomainError:
    return invalid(
        "route",
        "退款方式无效:{value}(可选:original 原路退回、bank_transfer 银行转账、store_credit 退至账户余额)",
        "Unknown refund route {value} (original, bank_transfer or store_credit)",
        value=value,
    )


def payee_required(missing: list[str]) -> DomainError:
    err = DomainError(
        "refund.payee_required",
        "银行转账退款须填写收款人户名、开户行和账号",
        "A refund by bank transfer needs the payee's account name, bank and account number",
    )
    err.fields = {name: ("此项必填", "This field is required") for name in missing}
    return err


def no_payment(order_number: str) -> DomainError:
    return DomainError(
        "refund.no_payment",
        "订单 {number} 没有支付记录,无法退款;请先在订单中补录支付",
        "Order {number} has no recorded payment, so nothing can be refunded; record its payment first",
        kind="conflict",
        number=order_number,
    )


def payment_cap_exceeded(order_number: str, missing: Decimal) -> ConflictError:
    return ConflictError(
        "refund.payment_cap_exceeded",
        "订单 {number} 的支付可退余额不足,还差 {missing} 元;同一笔支付的退款合计不能超过实付金额",
        "The payments of order {number} cannot cover this refund ({missing} short); refunds of a payment never "
        "exceed what it paid",
        number=order_number,
        missing=f"{missing:.2f}",
    )


def nothing_outstanding() -> ConflictError:
    return ConflictError(
        "refund.nothing_outstanding", "本工单没有待退的金额", "Nothing is left to refund on this case"
    )


def not_pending(number: str, status_zh: str, status_en: str) -> ConflictError:
    return ConflictError(
        "refund.not_pending",
        "退款 {number} 当前为「{status_zh}」,不能再处理",
        "Refund {number} is {status_en}; it can no longer be handled",
        number=number,
        status_zh=status_zh,
        status_en=status_en,
    )


def not_manual(number: str) -> ConflictError:
    return ConflictError(
        "refund.not_manual",
        "退款 {number} 由支付渠道处理,不能人工确认",
        "Refund {number} is handled by a payment provider; it cannot be confirmed by hand",
        number=number,
    )


def reference_taken(reference: str) -> ConflictError:
    return ConflictError(
        "refund.reference_taken",
        "转账流水号 {reference} 已用于另一笔退款",
        "Transfer reference {reference} is already recorded for another refund",
        reference=reference,
    )


def callback_signature() -> PermissionDenied:
    return PermissionDenied(
        "refund.callback_signature", "回调签名无效或已过期", "The callback signature is invalid or expired"
    )


def callback_malformed(detail: str) -> DomainError:
    return DomainError(
        "refund.callback_malformed",
        "回调内容格式错误:{detail}",
        "Malformed callback: {detail}",
        detail=detail,
    )


def callback_unknown(reference: str) -> NotFound:
    return NotFound(
        "refund.callback_unknown",
        "回调中的退款 {reference} 不存在",
        "The callback names a refund we do not know: {reference}",
        reference=reference,
    )


def callback_inconsistent(number: str, detail_zh: str, detail_en: str) -> ConflictError:
    return ConflictError(
        "refund.callback_inconsistent",
        "回调与退款 {number} 的记录不符({detail_zh}),已拒绝并标记待财务核查",
        "The callback does not match refund {number} ({detail_en}); refused and flagged for finance",
        number=number,
        detail_zh=detail_zh,
        detail_en=detail_en,
    )


def export_range(date_from, date_to) -> DomainError:
    err = DomainError(
        "refund.export_range",
        "导出起始日期 {date_from} 晚于结束日期 {date_to}",
        "The export starts ({date_from}) after it ends ({date_to})",
        date_from=str(date_from),
        date_to=str(date_to),
    )
    err.fields = {"date_to": ("不能早于起始日期", "Before the start date")}
    return err


def insufficient_credit(balance: Decimal, amount: Decimal) -> ConflictError:
    return ConflictError(
        "refund.insufficient_store_credit",
        "账户余额 {balance} 元,不足 {amount} 元",
        "The store-credit balance is {balance}, less than {amount}",
        balance=f"{balance:.2f}",
        amount=f"{amount:.2f}",
    )
