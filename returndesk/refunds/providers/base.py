"""The interface every payment provider implements. A provider is called outside any database
transaction (refunds.services.execution); it must be idempotent on `RefundOrder.key`, and
`query` must tell what became of a request whose answer was lost, without sending it again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class RefundOrder:
    """What is asked of the provider: refund `amount` of the payment `payment_reference`."""

    key: str  # the refund's idempotency key, which the provider keeps
    refund_id: str
    amount: Decimal
    currency: str
    payment_reference: str = ""
    payee: dict | None = None


@dataclass(frozen=True)
class ProviderAnswer:
    """succeeded / failed / processing (decided later: by callback, by finance, or by a query),
    or not_found (a query: the provider never received the request)."""

    status: str
    reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    failure_reason: str = ""


@dataclass(frozen=True)
class Callback:
    """A provider's callback, verified and parsed."""

    reference: str
    key: str
    status: str
    amount: Decimal
    currency: str
    failure_reason: str = ""


class ProviderTimeout(Exception):
    """No answer in time: the refund may have been made. Resolve it with `query`."""


class ProviderError(Exception):
    """The provider refused the request as malformed (not a decline of the refund)."""


class Provider(Protocol):
    code: str
    confirms_by_hand: bool  # finance confirms each refund (manual bank transfers)

    def send(self, order: RefundOrder) -> ProviderAnswer: ...

    def query(self, order: RefundOrder) -> ProviderAnswer: ...

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> Callback:
        """Verify the signature and read the body; raises ValueError (bad signature: PermissionError)."""
        ...
