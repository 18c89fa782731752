"""Money arithmetic. All rounding in the project happens here (ROUND_HALF_UP to the cent)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 14
DECIMAL_PLACES = 2


def to_decimal(value) -> Decimal:
    """Parse a user- or file-supplied amount exactly; floats are refused (they are not exact)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return result


def quantize(value: Decimal) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` over `weights` in proportion, each share rounded half-up to the cent,
    with the last share taking exactly what remains so the shares sum to `total`.

    Zero total weight spreads nothing (all shares zero except the last, which takes the total).
    """
    total = quantize(total)
    if not weights:
        return []
    weight_sum = sum((to_decimal(w) for w in weights), Decimal(0))
    shares: list[Decimal] = []
    for weight in weights[:-1]:
        share = quantize(total * to_decimal(weight) / weight_sum) if weight_sum else ZERO
        shares.append(share)
    shares.append(total - sum(shares, ZERO))
    return shares


def format_cny(value: Decimal) -> str:
    return f"¥{quantize(value):,.2f}"
