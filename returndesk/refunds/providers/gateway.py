"""The adapter to the payment gateway (today the simulated one, refunds.simulated_gateway; a real
Alipay / WeChat Pay adapter implements the same four methods)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.conf import settings

from returndesk.notifications.signing import verify

from .. import simulated_gateway as gateway
from ..models import ProviderCode
from .base import Callback, ProviderAnswer, ProviderTimeout, RefundOrder


def _answer(data: dict) -> ProviderAnswer:
    return ProviderAnswer(
        status=data["status"],
        reference=data["reference"],
        amount=Decimal(data["amount"]),
        currency=data["currency"],
        failure_reason=data.get("failure_code", ""),
    )


class GatewayProvider:
    code = ProviderCode.GATEWAY
    confirms_by_hand = False

    def send(self, order: RefundOrder) -> ProviderAnswer:
        try:
            data = gateway.refund(
                merchant_key=order.key,
                payment_reference=order.payment_reference,
                amount=order.amount,
                currency=order.currency,
            )
        except gateway.GatewayTimeout as exc:
            raise ProviderTimeout(str(exc)) from exc
        return _answer(data)

    def query(self, order: RefundOrder) -> ProviderAnswer:
        data = gateway.query(merchant_key=order.key)
        return ProviderAnswer("not_found") if data is None else _answer(data)

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> Callback:
        timestamp = headers.get(gateway.TIMESTAMP_HEADER, "")
        if not verify(
            settings.RETURNDESK_GATEWAY_SECRET, timestamp, body, headers.get(gateway.SIGNATURE_HEADER, "")
        ):
            raise PermissionError("bad signature")
        try:
            data = json.loads(body)
            return Callback(
                reference=str(data["reference"]),
                key=str(data["merchant_key"]),
                status=str(data["status"]),
                amount=Decimal(str(data["amount"])),
                currency=str(data["currency"]),
                failure_reason=str(data.get("failure_code") or ""),
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise ValueError(str(exc)) from exc
