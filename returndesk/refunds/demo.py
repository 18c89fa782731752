"""Refunds in the demo (desk.demo.builder calls these; the case steps themselves go through the
cases services there): what the simulated gateway does with a demo refund, the payee and bank
references finance types, a forged callback for the flagged refund, and one ledger export."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from . import simulated_gateway
from .models import CreditNoteExport, ProviderCode, Refund, RefundStatus
from .services import credit_note_export_create

BANKS = ("中国工商银行", "中国建设银行", "招商银行", "中国银行", "交通银行")


def demo_payee(customer, n: int) -> dict[str, str]:
    return {
        "account_name": customer.contact_name or customer.name,
        "bank": f"{BANKS[n % len(BANKS)]}上海分行",
        "account_number": f"62{(n * 7919 + 1234567) % 10**14:014d}{n % 10}",
    }


def script_gateway(*, case_id, behaviour: str) -> None:
    """The gateway will do `behaviour` with the case's refunds not yet sent (by their keys)."""
    for key in Refund.objects.filter(
        case_id=case_id, provider=ProviderCode.GATEWAY, status=RefundStatus.PENDING, sent_at__isnull=True
    ).values_list("idempotency_key", flat=True):
        simulated_gateway.gateway_script(behaviour, merchant_key=key)


def bank_reference(refund: Refund) -> str:
    """A bank transaction reference as finance copies it from the bank's statement."""
    return f"ICBC{timezone.localdate():%Y%m%d}{refund.number[-5:]}{refund.attempt}"


def forged_callback(refund: Refund) -> tuple[bytes, dict[str, str]]:
    """A signed callback that contradicts the refund (another amount), as a faulty gateway might
    send: ReturnDesk refuses it and flags the refund for finance."""
    body = json.dumps(
        {
            "reference": refund.provider_reference,
            "merchant_key": refund.idempotency_key,
            "status": "succeeded",
            "amount": f"{refund.amount * 10:.2f}",
            "currency": refund.currency,
            "failure_code": "",
            "event_id": f"demo-{refund.number}",
        },
        separators=(",", ":"),
    ).encode()
    return body, simulated_gateway.signed(body)


def refunds_demo_finish(*, finance) -> CreditNoteExport:
    """One export of the credit notes booked so far (the ledger has them); refunds made while
    trying the demo go into the next export."""
    today = timezone.localdate()
    return credit_note_export_create(actor=finance, date_from=today - timedelta(days=365), date_to=today)
