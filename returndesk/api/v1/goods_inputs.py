"""The JSON types of the workflow inputs of exchanges, repairs and delivery acceptance findings
(issue #5), merged into api/v1/cases.py's INPUT_TYPES: the per-action POSTs generated from
cases.workflow.TRANSITIONS take their bodies from there. Amounts travel as strings (DecimalIn)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StrictInt

from returndesk.orders.models import PaymentMethod
from returndesk.repairs.models import Exclusion

from ..schemas import DecimalIn, InputSchema


class ReplacementIn(InputSchema):
    """One case line's replacement: another variant of the same category (`product`, a SKU) at
    its current unit price incl. tax; leave a line out for the same product at the price paid."""

    line: UUID
    product: Annotated[str, Field(max_length=64)] | None = None
    unit_price: DecimalIn | None = None


class QuotePartIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    quantity: StrictInt = Field(1, ge=1)
    unit_price: DecimalIn


class AcceptanceIssueIn(InputSchema):
    """One problem found on site: an order line of the customer, the problem as a leaf reason
    code (e.g. D03 damaged in transit, Q02 screen), how many units, and optionally serials."""

    order_line: UUID
    reason: Annotated[str, Field(max_length=40)]
    quantity: StrictInt
    description: str = ""
    serial_numbers: list[Annotated[str, Field(max_length=100)]] = []


GOODS_INPUT_TYPES: dict[str, Any] = {
    "replacements": list[ReplacementIn],
    "warehouse": Annotated[str, Field(max_length=40)],
    "payment_reference": Annotated[str, Field(max_length=64)],
    "payment_method": PaymentMethod,
    "replacement_serials": dict[UUID, list[Annotated[str, Field(max_length=100)]]],
    "diagnosis": str,
    "fault": Annotated[str, Field(max_length=40)],
    "exclusion": Exclusion,
    "parts": list[QuotePartIn],
    "labour": DecimalIn,
    "outcome": Literal["fixed", "not_fixed"],
    "issues": list[AcceptanceIssueIn],
}
