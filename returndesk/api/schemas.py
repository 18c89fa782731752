"""Field types shared by the API's schemas.

Money and other decimals travel as JSON strings ("123.45"), never as numbers: a JSON number is
read as a binary float by most clients, and an inexact amount is refused here (422) rather than
rounded. Times are ISO 8601 with an offset; answers give them in the server's time zone
(Asia/Shanghai by default); times without an offset are refused.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import AwareDatetime, BeforeValidator, ConfigDict, PlainSerializer

from returndesk.core.money import quantize


def _no_float(value):
    if isinstance(value, float | bool):
        raise ValueError(
            '金额和小数须写成字符串，如 "99.50"。 | Amounts and decimals must be JSON strings, e.g. "99.50".'
        )
    return value


# Input: a decimal given as a string (an integer is exact too, and accepted).
DecimalIn = Annotated[Decimal, BeforeValidator(_no_float)]
# Output: an amount as a string with two places.
Money = Annotated[Decimal, PlainSerializer(lambda v: f"{quantize(v):.2f}", return_type=str)]
# Output: any other decimal (a tax rate) as a string, exactly as stored.
DecimalText = Annotated[Decimal, PlainSerializer(lambda v: format(v, "f"), return_type=str)]
DatetimeIn = AwareDatetime
LocalDatetime = Annotated[
    datetime, PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str)
]


class InputSchema(Schema):
    """Request bodies: unknown fields are errors (a mistyped field is not silently ignored)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (answered as application/problem+json); see api/errors.py."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    errors: list[FieldError] | None = None


def with_problems(answers: dict, *statuses: int) -> dict:
    """A `response=` mapping: the operation's answers plus the problems it may give (for the
    OpenAPI document; 401 applies to every operation)."""
    return {**answers, **dict.fromkeys((401, *statuses), Problem)}
