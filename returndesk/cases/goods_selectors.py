"""Reads of a case's exchange, repair and acceptance findings (issue #5), filtered by who may see
the case (selectors.case_get_for_user: someone else's case is as missing as a missing one), and
the staff lists behind them (finance's payment requests and credits, the repair history)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from returndesk.acceptance.models import AcceptanceFinding
from returndesk.acceptance.selectors import findings_of_case, origin_of_case
from returndesk.exchanges import selectors as exchange_selectors
from returndesk.exchanges.models import Exchange, PaymentRequest
from returndesk.repairs import selectors as repair_selectors
from returndesk.repairs.models import Repair, RepairRecord

from .models import Case
from .selectors import case_get_for_user


@dataclass(frozen=True)
class CaseExchanges:
    case: Case
    arrangements: list[Exchange]  # newest first; superseded ones kept as history


def case_exchanges(*, user, case_id) -> CaseExchanges:
    case = case_get_for_user(user=user, case_id=case_id)
    return CaseExchanges(case, list(exchange_selectors.exchanges_of_case(case=case)))


@dataclass(frozen=True)
class CaseRepair:
    case: Case
    repair: Repair | None
    history: list[RepairRecord]  # earlier finished repairs of the case's units (serial numbers)


def case_repair(*, user, case_id) -> CaseRepair:
    case = case_get_for_user(user=user, case_id=case_id)
    serials = sorted({s for line in case.lines.all() for s in line.serial_numbers or () if s})
    history = list(
        RepairRecord.objects.filter(serial_number__in=serials)
        .select_related("repair__case", "fault")
        .order_by("finished_at", "id")
    )
    return CaseRepair(case, repair_selectors.repair_of_case(case=case), history)


@dataclass(frozen=True)
class CaseFindings:
    case: Case
    findings: list[AcceptanceFinding]
    origin: AcceptanceFinding | None  # the acceptance finding this case was opened from, if any


def case_findings(*, user, case_id) -> CaseFindings:
    case = case_get_for_user(user=user, case_id=case_id)
    return CaseFindings(case, list(findings_of_case(case=case)), origin_of_case(case=case))


def payment_requests(*, state: str | None = None) -> QuerySet[PaymentRequest]:
    """Staff only (the API narrows the operation to staff roles)."""
    return exchange_selectors.payment_requests(state=state)


def exchange_credits(*, state: str | None = None) -> QuerySet[Exchange]:
    return exchange_selectors.credits(state=state)


def repair_history(*, serial_number: str = "", fault_code: str = "") -> QuerySet[RepairRecord]:
    return repair_selectors.repair_history(serial_number=serial_number, fault_code=fault_code)
