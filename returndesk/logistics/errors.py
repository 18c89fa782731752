"""Stable error codes of return logistics (logistics.*), each with its Chinese and English message."""

from __future__ import annotations

from returndesk.core.errors import ConflictError, DomainError, NotFound, PermissionDenied


def _field(err: DomainError, field: str) -> DomainError:
    err.fields = {field: (err.zh, err.en)}
    return err


def carrier_unknown(value, options: list[str]) -> DomainError:
    return _field(
        DomainError(
            "logistics.carrier_unknown", "不支持的承运商:{value}", "Unknown carrier: {value}",
            value=value, options=options,
        ),
        "carrier",
    )  # fmt: skip


def tracking_invalid(value, carrier) -> DomainError:
    return _field(
        DomainError(
            "logistics.tracking_invalid",
            "运单号「{value}」不符合{carrier_zh}的格式(例如 {example})",
            "Tracking number '{value}' is not a valid {carrier_en} number (e.g. {example})",
            value=value, carrier_zh=carrier.zh, carrier_en=carrier.en, example=carrier.example,
        ),
        "tracking_number",
    )  # fmt: skip


def method_invalid(value, options) -> DomainError:
    return _field(
        DomainError(
            "logistics.method_invalid",
            "无效的退货方式:{value}(可选:上门取件、自行寄回、送至网点)",
            "Invalid return method: {value} (pickup, self_ship or drop_off)",
            value=value, options=list(options),
        ),
        "return_method",
    )  # fmt: skip


def no_warehouse() -> ConflictError:
    return ConflictError(
        "logistics.no_warehouse",
        "尚未设置退货仓库:请管理员在后台添加仓库并设为默认退货仓",
        "No return warehouse is set up: an administrator must add one and make it the default",
    )


def pickup_incomplete(missing: dict[str, tuple[str, str]]) -> DomainError:
    return DomainError(
        "logistics.pickup_incomplete",
        "上门取件须填写:{names_zh}",
        "A pickup needs: {names_en}",
        fields={name: ("此项必填", "This field is required") for name in missing},
        names_zh="、".join(zh for zh, _en in missing.values()),
        names_en=", ".join(en for _zh, en in missing.values()),
    )


def pickup_window_invalid(zh: str, en: str) -> DomainError:
    return _field(DomainError("logistics.pickup_window_invalid", zh, en), "pickup_window_start")


def pickup_fields_not_allowed(method: str) -> DomainError:
    return _field(
        DomainError(
            "logistics.pickup_fields_not_allowed",
            "取件时间和承运商只用于上门取件;如需上门取件,请选择退货方式「上门取件」",
            "A pickup window and carrier are for pickups only; choose the return method pickup",
            method=method,
        ),
        "return_method",
    )


def moment_invalid(field: str) -> DomainError:
    return _field(
        DomainError("logistics.pickup_window_invalid", "时间格式不正确", "Not a valid date and time"), field
    )


def no_open_shipment() -> ConflictError:
    return ConflictError(
        "logistics.no_open_shipment",
        "本工单没有待寄回的退货物流,须先由客户确认方案",
        "The case has no return shipment under way; the customer must confirm the solution first",
    )


def not_a_pickup() -> ConflictError:
    return ConflictError(
        "logistics.not_a_pickup", "本工单的退货方式不是上门取件", "This return is not a pickup"
    )


def already_booked(reference: str) -> ConflictError:
    return ConflictError(
        "logistics.already_booked",
        "取件已预约(预约号 {reference}),不能重复预约",
        "The pickup is already booked (reference {reference})",
        reference=reference,
    )


def booking_reference_invalid() -> DomainError:
    return _field(
        DomainError(
            "logistics.booking_reference_invalid",
            "请填写承运商的预约单号(1–64 个字符)",
            "Enter the carrier's booking reference (1–64 characters)",
        ),
        "booking_reference",
    )


def booking_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "logistics.booking_forbidden",
        "只有客服或仓库可以登记取件预约",
        "Only customer service or the warehouse may record a pickup booking",
    )


def no_label() -> NotFound:
    return NotFound(
        "logistics.no_label",
        "客户确认方案后才有退货面单",
        "The return label exists once the customer has confirmed the solution",
    )
