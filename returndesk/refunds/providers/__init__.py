"""Payment providers behind one interface (base.Provider): the simulated gateway (standing for
Alipay, WeChat Pay, UnionPay until real adapters are written), manual transfers that finance
confirms, and store credit. `provider_for(code)` gives the one a refund names; which provider
refunds which payment method is configured in RETURNDESK_REFUND_PROVIDERS."""

from __future__ import annotations

from django.conf import settings

from ..models import ProviderCode
from .base import Callback, Provider, ProviderAnswer, ProviderError, ProviderTimeout, RefundOrder
from .gateway import GatewayProvider
from .manual import ManualProvider
from .store_credit import StoreCreditProvider

PROVIDERS: dict[str, type[Provider]] = {
    ProviderCode.GATEWAY: GatewayProvider,
    ProviderCode.MANUAL: ManualProvider,
    ProviderCode.STORE_CREDIT: StoreCreditProvider,
}


def provider_for(code: str) -> Provider:
    return PROVIDERS[code]()


def provider_code_for_method(method: str) -> str:
    """The provider that refunds a payment made by `method` back the way it came."""
    return settings.RETURNDESK_REFUND_PROVIDERS.get(method, ProviderCode.MANUAL)


__all__ = [
    "PROVIDERS",
    "Callback",
    "Provider",
    "ProviderAnswer",
    "ProviderError",
    "ProviderTimeout",
    "RefundOrder",
    "provider_code_for_method",
    "provider_for",
]
