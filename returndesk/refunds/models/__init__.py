"""Refunds, store credit, the accounting reversal, and the simulated gateway's own state."""

from .accounting import Account, CreditNote, CreditNoteExport, JournalLine
from .gateway import Behaviour, GatewayStatus, SimGatewayNotification, SimGatewayScript, SimGatewayTransaction
from .ledger import EntryKind, StoreCreditAccount, StoreCreditEntry
from .refunds import (
    FINAL_STATUSES,
    MONEY,
    CallbackOutcome,
    ProviderCallback,
    ProviderCode,
    Refund,
    RefundAllocation,
    RefundCalculation,
    RefundSettings,
    RefundStatus,
    Route,
)

__all__ = [
    "FINAL_STATUSES",
    "MONEY",
    "Account",
    "Behaviour",
    "CallbackOutcome",
    "CreditNote",
    "CreditNoteExport",
    "EntryKind",
    "GatewayStatus",
    "JournalLine",
    "ProviderCallback",
    "ProviderCode",
    "Refund",
    "RefundAllocation",
    "RefundCalculation",
    "RefundSettings",
    "RefundStatus",
    "Route",
    "SimGatewayNotification",
    "SimGatewayScript",
    "SimGatewayTransaction",
    "StoreCreditAccount",
    "StoreCreditEntry",
]
