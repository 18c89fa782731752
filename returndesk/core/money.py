"""Money arithmetic. All rounding in the project happens here (ROUND_HALF_UP to the cent)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

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

    "The last share" is the last one with a non-zero weight: a trailing line priced 0 takes no
    part of a discount. Accumulated rounding can leave a remainder that would push that last share
    below zero or above its own weight (e.g. 0.03 over 2.19/1.79/4.85/0.04 gives -0.01 to the
    last); then the excess cents move to the preceding shares, nearest first. So for non-negative
    weights in cents and 0 <= total <= sum(weights), every share lies in [0, its weight], and
    when no bound is at risk the result is exactly the plain "remainder to the last" split.

    Zero total weight spreads nothing (all shares zero except the last, which takes the total).
    """
    total = quantize(total)
    if not weights:
        return []
    values = [to_decimal(w) for w in weights]
    weight_sum = sum(values, Decimal(0))
    if not weight_sum:
        return [ZERO] * (len(values) - 1) + [total]
    last = max(i for i, w in enumerate(values) if w)
    shares = [ZERO if i == last else quantize(total * w / weight_sum) for i, w in enumerate(values)]
    shares[last] = total - sum(shares, ZERO)
    if all(w >= 0 for w in values):
        _keep_within_weights(shares, values, last, capped=abs(total) <= weight_sum)
    return [share + ZERO for share in shares]  # + ZERO turns a -0.00 into 0.00


def _keep_within_weights(shares: list[Decimal], weights: list[Decimal], last: int, *, capped: bool) -> None:
    """Move cents between shares (in place) so the last share is within [0, weight]; see allocate."""
    sign = -1 if sum(shares, ZERO) < 0 else 1
    signed = [share * sign for share in shares]
    shortfall = max(-signed[last], ZERO)
    excess = max(signed[last] - weights[last], ZERO) if capped else ZERO
    if not shortfall and not excess:
        return
    signed[last] += shortfall - excess
    for i in range(last - 1, -1, -1):
        room = max((weights[i] - signed[i]).quantize(CENT, rounding=ROUND_DOWN), ZERO)
        give = min(room, excess)
        take = min(signed[i], shortfall)
        signed[i] += give - take
        excess -= give
        shortfall -= take
    signed[last] += excess - shortfall  # nothing left over unless the bounds cannot all hold
    shares[:] = [share * sign for share in signed]


def format_cny(value: Decimal) -> str:
    return f"¥{quantize(value):,.2f}"
