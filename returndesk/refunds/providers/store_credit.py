"""Refunds to the customer's store-credit balance (账户余额): booked in the ledger at once."""

from __future__ import annotations

from ..models import ProviderCode
from .base import Callback, ProviderAnswer, RefundOrder


class StoreCreditProvider:
    code = ProviderCode.STORE_CREDIT
    confirms_by_hand = False

    def send(self, order: RefundOrder) -> ProviderAnswer:
        from ..services.ledger import store_credit_refund

        entry = store_credit_refund(refund_id=order.refund_id)
        return ProviderAnswer("succeeded", reference=f"SC-{entry.account_id}-{entry.sequence}")

    def query(self, order: RefundOrder) -> ProviderAnswer:
        from ..models import StoreCreditEntry

        entry = StoreCreditEntry.objects.filter(refund_id=order.refund_id).first()
        if entry is None:
            return ProviderAnswer("not_found")
        return ProviderAnswer("succeeded", reference=f"SC-{entry.account_id}-{entry.sequence}")

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> Callback:
        raise PermissionError("store credit has no callbacks")
