"""Common Chinese carriers and the shape of their tracking numbers (seed S9 "退货快递单号").

Each carrier's numbers are checked by their published shape; China Post EMS's international
numbers (UPU S10: two letters, eight digits, a check digit, the country) also by their check
digit, so a mistyped digit is caught at entry. Patterns stay permissive where a carrier issues
several formats; a real carrier adapter (logistics.adapters) may check more. OTHER is for freight
forwarders (物流托运) that distributors use for bulk returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import errors


@dataclass(frozen=True)
class Carrier:
    code: str
    zh: str
    en: str
    pattern: re.Pattern
    example: str

    def accepts(self, number: str) -> bool:
        if not self.pattern.match(number):
            return False
        if self.code == "EMS" and len(number) == 13 and number[:2].isalpha():
            return s10_check_digit(number[2:10]) == int(number[10])
        return True


CARRIER_LIST = (
    Carrier("SF", "顺丰速运", "SF Express", re.compile(r"^SF\d{12,13}$"), "SF1234567890123"),
    Carrier("JD", "京东物流", "JD Logistics", re.compile(r"^JD[A-Z0-9]{11,16}$"), "JDVA12345678901"),
    Carrier("ZTO", "中通快递", "ZTO Express", re.compile(r"^\d{12,15}$"), "773012345678901"),
    Carrier("YTO", "圆通速递", "YTO Express", re.compile(r"^(YT|G|D)?\d{10,18}$"), "YT1234567890123"),
    Carrier("STO", "申通快递", "STO Express", re.compile(r"^\d{12,15}$"), "773098765432101"),
    Carrier("YUNDA", "韵达快递", "Yunda Express", re.compile(r"^\d{13,15}$"), "4312345678901"),
    Carrier(
        "EMS",
        "中国邮政EMS",
        "China Post EMS",
        re.compile(r"^([A-Z]{2}\d{9}[A-Z]{2}|\d{13})$"),
        "EA123456785CN",
    ),
    Carrier(
        "OTHER",
        "其他物流(货运)",
        "Other carrier (freight)",
        re.compile(r"^[A-Z0-9-]{6,40}$"),
        "DB-20261126-0001",
    ),
)
CARRIERS: dict[str, Carrier] = {c.code: c for c in CARRIER_LIST}


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of the 8-digit serial: weights 8 6 4 2 3 5 9 7, 11 − sum mod 11,
    where 10 becomes 0 and 11 becomes 5."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def normalise_tracking(number: str) -> str:
    """Upper case without spaces or hyphens as people type them ("sf 1234-5678…")."""
    return re.sub(r"[\s-]", "", number or "").upper() if number else ""


def tracking_valid(carrier: str, number: str) -> bool:
    spec = CARRIERS.get(carrier)
    return bool(spec and spec.accepts(number))


def parse_shipment(carrier, tracking_number) -> tuple[str, str]:
    """(carrier code, normalised tracking number), or a DomainError naming the field at fault."""
    code = str(carrier or "").strip().upper()
    spec = CARRIERS.get(code)
    if spec is None:
        raise errors.carrier_unknown(carrier, list(CARRIERS))
    raw = str(tracking_number or "")
    # Freight numbers keep their hyphens; parcel carriers' numbers never have any.
    number = raw.strip().upper().replace(" ", "") if code == "OTHER" else normalise_tracking(raw)
    if not spec.accepts(number):
        raise errors.tracking_invalid(tracking_number, spec)
    return code, number
