"""The engine's input and output as plain dataclasses, and the stored JSON form of a decision.

A `Decision` is stored on each case (`Case.policy_decision`) exactly as `to_json()` returns it,
together with the policy version that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from returndesk.core.money import ZERO

from .periods import WorkingDays
from .rules import AutoApproval, CheckItem, Deduction

INTAKE, REVIEW = "intake", "review"  # where a refusal bites: at creation, or at approval


@dataclass(frozen=True)
class LineRequest:
    """One requested line, with everything the rules read. `amount` is the value of the claimed
    units (what a refund of them would be before fees)."""

    key: str
    reason_code: str
    reason_class: str
    quantity: int
    amount: Decimal
    channel: str
    delivered_at: datetime | None
    category: str = ""
    no_reason_exclusion: str = "none"
    confirmed_not_returnable: bool = False  # the buyer confirmed at purchase (order line)
    sanbao_category: str = "none"
    warranty_months_unit: int = 12
    warranty_months_main_parts: int = 12
    serial_numbers: tuple[str, ...] = ()
    # When earlier repairs of the same fault on these units were finished (cases computes it).
    prior_repairs: tuple[datetime, ...] = ()
    unsealed: bool = False  # digital goods opened or downloaded, as stated by the customer
    not_intact: tuple[str, ...] = ()  # checklist codes the goods fail (stated or inspected)


@dataclass(frozen=True)
class EligibilityRequest:
    solution: str | None  # None: a request without goods (consultation, acceptance inspection)
    customer_type: str
    lines: tuple[LineRequest, ...]
    now: datetime
    calendar: WorkingDays | None = None
    evidence_count: int = 0


@dataclass(frozen=True)
class Explanation:
    rule: str
    zh: str
    en: str
    source: str = ""


@dataclass(frozen=True)
class LineDecision:
    key: str
    eligible: bool
    rule: str
    source: str
    zh: str
    en: str
    solutions: tuple[str, ...] = ()  # allowed for this line now
    deadline: datetime | None = None  # end of the period that decided
    refused_at: str = ""  # INTAKE or REVIEW when not eligible
    restocking_fee: Decimal = ZERO
    shipping_payer: str = ""
    evidence_required: bool = False
    conditions: tuple[CheckItem, ...] = ()  # the goods must pass these (商品完好)


@dataclass(frozen=True)
class Decision:
    policy_version: int | None
    solution: str | None
    lines: tuple[LineDecision, ...]
    evidence_required: bool = False
    evidence_min: int = 0
    evidence_missing: bool = False
    restocking_fee: Decimal = ZERO
    shipping_payer: str = ""
    auto_approval: AutoApproval | None = None
    deductions: tuple[Deduction, ...] = ()
    notes: tuple[Explanation, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return all(line.eligible for line in self.lines)

    def refusals(self, stage: str | None = None) -> tuple[LineDecision, ...]:
        return tuple(ln for ln in self.lines if not ln.eligible and stage in (None, ln.refused_at))

    @property
    def rules(self) -> tuple[str, ...]:
        seen = dict.fromkeys([ln.rule for ln in self.lines] + [n.rule for n in self.notes])
        return tuple(seen)

    @property
    def explanations(self) -> tuple[Explanation, ...]:
        return tuple(Explanation(ln.rule, ln.zh, ln.en, ln.source) for ln in self.lines) + self.notes

    def to_json(self) -> dict:
        return {
            "policy_version": self.policy_version,
            "solution": self.solution,
            "eligible": self.eligible,
            "rules": list(self.rules),
            "lines": [
                {
                    "key": ln.key, "eligible": ln.eligible, "rule": ln.rule, "source": ln.source,
                    "zh": ln.zh, "en": ln.en, "solutions": list(ln.solutions),
                    "deadline": ln.deadline.isoformat() if ln.deadline else None,
                    "refused_at": ln.refused_at, "restocking_fee": str(ln.restocking_fee),
                    "shipping_payer": ln.shipping_payer, "evidence_required": ln.evidence_required,
                    "conditions": [{"code": c.code, "zh": c.zh, "en": c.en} for c in ln.conditions],
                }
                for ln in self.lines
            ],
            "evidence_required": self.evidence_required,
            "evidence_min": self.evidence_min,
            "evidence_missing": self.evidence_missing,
            "restocking_fee": str(self.restocking_fee),
            "shipping_payer": self.shipping_payer,
            "auto_approval": (
                {"code": self.auto_approval.code, "zh": self.auto_approval.zh, "en": self.auto_approval.en}
                if self.auto_approval else None
            ),
            "deductions": [
                {"code": d.code, "zh": d.zh, "en": d.en, "kind": d.kind, "value": str(d.value)}
                for d in self.deductions
            ],
            "explanations": [
                {"rule": e.rule, "zh": e.zh, "en": e.en, "source": e.source} for e in self.explanations
            ],
        }  # fmt: skip
