"""Every write of the refunds domain. The cases app orchestrates them (cases/services/refunding.py);
interfaces call the cases services for anything that moves a case, and these for the rest."""

from .credit_notes import credit_note_export_create, credit_note_export_csv, credit_note_issue
from .execution import (
    CallbackResult,
    refund_attend,
    refund_callback_receive,
    refund_confirm_manual,
    refund_execute,
    refund_fail_manual,
    refund_query,
    refunds_needing_attention,
)
from .ledger import store_credit_balance, store_credit_refund, store_credit_spend
from .requests import LineRecord, clean_route, outstanding, refund_calculation_record, refund_request

__all__ = [
    "CallbackResult",
    "LineRecord",
    "clean_route",
    "credit_note_export_create",
    "credit_note_export_csv",
    "credit_note_issue",
    "outstanding",
    "refund_attend",
    "refund_calculation_record",
    "refund_callback_receive",
    "refund_confirm_manual",
    "refund_execute",
    "refund_fail_manual",
    "refund_query",
    "refund_request",
    "refunds_needing_attention",
    "store_credit_balance",
    "store_credit_refund",
    "store_credit_spend",
]
