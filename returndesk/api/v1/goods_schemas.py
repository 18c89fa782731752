"""Input schemas of the goods-flow workflow actions (receive, inspect), shared by the cases
router (which builds the action bodies from the workflow declaration) and the inspection router."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StrictBool, StrictInt

from returndesk.inspection.models import Disposition, Grade, Outcome, RejectionReason

from ..schemas import InputSchema

Serial = Annotated[str, Field(max_length=100)]


class ReceiptExtraIn(InputSchema):
    """An item that arrived besides what the case announced: `over` (more units of a line: name
    the line) or `unexpected` (not on the case: its SKU, or a description)."""

    kind: Literal["over", "unexpected"]
    quantity: StrictInt = Field(ge=1)
    line: UUID | None = None
    sku: Annotated[str, Field(max_length=64)] = ""
    description: Annotated[str, Field(max_length=300)] = ""
    serial_numbers: list[Serial] = []


class InspectUnitIn(InputSchema):
    """One received unit (its id from GET /cases/{id}/receipt): grade, every checklist point of its
    category (code → passed), outcome; a rejection needs its reason and at least one photo (ids of
    the case's image or video attachments); optionally its disposition at once."""

    unit: UUID
    grade: Grade
    checks: dict[str, StrictBool]
    outcome: Outcome
    rejection_reason: RejectionReason | None = None
    photos: list[UUID] = []
    disposition: Disposition | None = None
    note: Annotated[str, Field(max_length=300)] = ""
