"""Common Chinese carriers and the shape of their tracking numbers (seed S9 "退货快递单号").

Patterns are deliberately permissive where carriers use several formats; issue 5's logistics
app replaces this with carrier adapters.
"""

import re

CARRIERS: dict[str, tuple[str, str, re.Pattern]] = {
    "SF": ("顺丰速运", "SF Express", re.compile(r"^SF\d{12,13}$")),
    "JD": ("京东物流", "JD Logistics", re.compile(r"^JD[A-Z0-9]{11,16}$")),
    "ZTO": ("中通快递", "ZTO Express", re.compile(r"^\d{12,15}$")),
    "YTO": ("圆通速递", "YTO Express", re.compile(r"^(YT|G|D)?\d{10,18}$")),
    "STO": ("申通快递", "STO Express", re.compile(r"^\d{12,15}$")),
    "YUNDA": ("韵达快递", "Yunda Express", re.compile(r"^\d{13,15}$")),
    "EMS": ("中国邮政EMS", "China Post EMS", re.compile(r"^([A-Z]{2}\d{9}[A-Z]{2}|\d{13})$")),
    "OTHER": ("其他物流", "Other carrier", re.compile(r"^[A-Za-z0-9-]{6,40}$")),
}


def normalise_tracking(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "").upper() if number else ""


def tracking_valid(carrier: str, number: str) -> bool:
    spec = CARRIERS.get(carrier)
    return bool(spec and spec[2].match(number))
