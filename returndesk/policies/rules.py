"""A policy as plain data: the whole rule set one `PolicyVersion` holds, and its JSON form.

`evaluate()` reads only these objects, so a decision depends on nothing but the version it names
and the request. No Django imports here on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class WindowRule:
    """The merchant's return window for the customer's own reasons ("" = any)."""

    channel: str
    customer_type: str
    category: str  # category code
    days: int
    unit: str  # "calendar" | "working"
    allows_exchange: bool = False
    note: str = ""

    @property
    def specificity(self) -> tuple[int, int, int]:
        # Category beats customer type beats channel (docs/policies.md, "Return windows").
        return (bool(self.category), bool(self.customer_type), bool(self.channel))

    def matches(self, *, channel: str, customer_type: str, category: str) -> bool:
        return (
            self.channel in ("", channel)
            and self.customer_type in ("", customer_type)
            and self.category in ("", category)
        )


@dataclass(frozen=True)
class FeeRule:
    reason_class: str
    restocking_kind: str  # "none" | "percent" | "fixed"
    restocking_value: Decimal
    shipping_payer: str  # "customer" | "merchant"


@dataclass(frozen=True)
class Deduction:
    code: str
    zh: str
    en: str
    kind: str  # "percent" | "fixed"
    value: Decimal


@dataclass(frozen=True)
class AutoApproval:
    code: str
    zh: str
    en: str
    customer_type: str = ""
    reason_class: str = ""
    solution: str = ""
    amount_below: Decimal | None = None


@dataclass(frozen=True)
class CheckItem:
    code: str
    zh: str
    en: str


DEFAULT_DISTRIBUTOR_MESSAGE = (
    "您好,按经销协议,非质量原因的退货不予受理。如需调换型号或调拨库存,请联系您的销售代表。",
    "Under the distribution agreement, returns for non-quality reasons are not accepted. "
    "For a model swap or a stock transfer, please contact your sales representative.",
)


@dataclass(frozen=True)
class Policy:
    """Every rule of one version. Defaults are the shipped ones (docs/policies.md)."""

    version: int | None = None
    no_reason_days: int = 7
    distance_channels: tuple[str, ...] = ("marketplace", "own_shop")
    quality_return_days: int = 7
    sanbao_exchange_days: int = 15
    repairs_before_replacement: int = 2
    main_part_reasons: tuple[str, ...] = ("Q01", "Q02", "Q04")
    delivery_claim_days: int = 15
    evidence_required_for_quality: bool = True
    evidence_min_files: int = 1
    distributor_quality_only: bool = True
    distributor_message: tuple[str, str] = DEFAULT_DISTRIBUTOR_MESSAGE
    windows: tuple[WindowRule, ...] = ()
    fees: tuple[FeeRule, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    auto_approvals: tuple[AutoApproval, ...] = ()
    # category code -> items; "" holds the items for every category
    checklist: dict[str, tuple[CheckItem, ...]] = field(default_factory=dict)

    @property
    def uses_working_days(self) -> bool:
        return any(w.unit == "working" for w in self.windows)

    def window_for(self, *, channel: str, customer_type: str, category: str) -> WindowRule | None:
        matching = [
            w
            for w in self.windows
            if w.matches(channel=channel, customer_type=customer_type, category=category)
        ]
        return max(matching, key=lambda w: w.specificity, default=None)

    def fee_for(self, reason_class: str) -> FeeRule:
        for fee in self.fees:
            if fee.reason_class == reason_class:
                return fee
        # No row: no restocking fee; the merchant pays shipping unless it is the customer's own reason.
        payer = "customer" if reason_class == "customer" else "merchant"
        return FeeRule(reason_class, "none", Decimal("0"), payer)

    def checklist_for(self, category: str) -> tuple[CheckItem, ...]:
        return self.checklist.get("", ()) + self.checklist.get(category, ())

    # --- JSON ---------------------------------------------------------------------------------

    def to_json(self) -> dict:
        """The stored form (without the version number, which is the row's key)."""
        return {
            "no_reason_days": self.no_reason_days,
            "distance_channels": sorted(self.distance_channels),
            "quality_return_days": self.quality_return_days,
            "sanbao_exchange_days": self.sanbao_exchange_days,
            "repairs_before_replacement": self.repairs_before_replacement,
            "main_part_reasons": sorted(self.main_part_reasons),
            "delivery_claim_days": self.delivery_claim_days,
            "evidence_required_for_quality": self.evidence_required_for_quality,
            "evidence_min_files": self.evidence_min_files,
            "distributor_quality_only": self.distributor_quality_only,
            "distributor_message": list(self.distributor_message),
            "windows": [
                {
                    "channel": w.channel, "customer_type": w.customer_type, "category": w.category,
                    "days": w.days, "unit": w.unit, "allows_exchange": w.allows_exchange, "note": w.note,
                }
                for w in self.windows
            ],
            "fees": [
                {
                    "reason_class": f.reason_class, "restocking_kind": f.restocking_kind,
                    "restocking_value": str(f.restocking_value), "shipping_payer": f.shipping_payer,
                }
                for f in self.fees
            ],
            "deductions": [
                {"code": d.code, "zh": d.zh, "en": d.en, "kind": d.kind, "value": str(d.value)}
                for d in self.deductions
            ],
            "auto_approvals": [
                {
                    "code": a.code, "zh": a.zh, "en": a.en, "customer_type": a.customer_type,
                    "reason_class": a.reason_class, "solution": a.solution,
                    "amount_below": None if a.amount_below is None else str(a.amount_below),
                }
                for a in self.auto_approvals
            ],
            "checklist": {
                category: [{"code": i.code, "zh": i.zh, "en": i.en} for i in items]
                for category, items in sorted(self.checklist.items())
            },
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict, *, version: int | None = None) -> Policy:
        return cls(
            version=version,
            no_reason_days=data["no_reason_days"],
            distance_channels=tuple(data["distance_channels"]),
            quality_return_days=data["quality_return_days"],
            sanbao_exchange_days=data["sanbao_exchange_days"],
            repairs_before_replacement=data["repairs_before_replacement"],
            main_part_reasons=tuple(data["main_part_reasons"]),
            delivery_claim_days=data["delivery_claim_days"],
            evidence_required_for_quality=data["evidence_required_for_quality"],
            evidence_min_files=data["evidence_min_files"],
            distributor_quality_only=data["distributor_quality_only"],
            distributor_message=tuple(data["distributor_message"]),
            windows=tuple(WindowRule(**w) for w in data["windows"]),
            fees=tuple(
                FeeRule(
                    f["reason_class"],
                    f["restocking_kind"],
                    Decimal(f["restocking_value"]),
                    f["shipping_payer"],
                )
                for f in data["fees"]
            ),
            deductions=tuple(
                Deduction(d["code"], d["zh"], d["en"], d["kind"], Decimal(d["value"]))
                for d in data["deductions"]
            ),
            auto_approvals=tuple(
                AutoApproval(
                    **{**a, "amount_below": None if a["amount_below"] is None else Decimal(a["amount_below"])}
                )
                for a in data["auto_approvals"]
            ),
            checklist={
                category: tuple(CheckItem(**item) for item in items)
                for category, items in data["checklist"].items()
            },
        )
