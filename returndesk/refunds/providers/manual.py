"""Manual refunds: finance pays by bank transfer (or cash at the counter) outside the system and
confirms each refund here with the bank's reference (refunds.services.refund_confirm_manual),
or records that it failed (refund_fail_manual). Sending only puts the refund in finance's queue."""

from __future__ import annotations

from ..models import ProviderCode
from .base import Callback, ProviderAnswer, RefundOrder


class ManualProvider:
    code = ProviderCode.MANUAL
    confirms_by_hand = True

    def send(self, order: RefundOrder) -> ProviderAnswer:
        return ProviderAnswer("processing")

    def query(self, order: RefundOrder) -> ProviderAnswer:
        return ProviderAnswer("processing")  # only finance knows; it confirms by hand

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> Callback:
        raise PermissionError("manual refunds have no callbacks")
