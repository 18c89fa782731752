"""The portal's limits. Each can be changed in settings (`RETURNDESK_PORTAL = {"CODE_TTL_MINUTES":
5, …}`); the defaults are in docs/portal.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

DEFAULTS = {
    "CODE_TTL_MINUTES": 10,  # a code is short-lived
    "CODE_MAX_ATTEMPTS": 5,  # wrong entries before a code is dead
    "LOOKUPS_PER_IP": 20,  # codes asked for from one IP address per window
    "LOOKUPS_PER_ORDER": 5,  # codes asked for one order number per window
    "FAILURES_PER_IP": 10,  # failed verifications or sign-ins from one IP per window, then lock-out
    "FAILURES_PER_KEY": 5,  # failures for one order number (or username) per window, then lock-out
    "WINDOW_MINUTES": 60,
    "LOCKOUT_MINUTES": 30,  # counted from the last failure
    "GUEST_HOURS": 12,  # how long a verified order stays open in the browser
    "CLIENT_IP_HEADER": "",  # e.g. "HTTP_X_REAL_IP" behind a proxy that sets it; else REMOTE_ADDR
}


@dataclass(frozen=True)
class Limits:
    code_ttl: timedelta
    code_max_attempts: int
    lookups_per_ip: int
    lookups_per_order: int
    failures_per_ip: int
    failures_per_key: int
    window: timedelta
    lockout: timedelta
    guest_session: timedelta
    client_ip_header: str


def limits() -> Limits:
    values = {**DEFAULTS, **getattr(settings, "RETURNDESK_PORTAL", {})}
    return Limits(
        code_ttl=timedelta(minutes=values["CODE_TTL_MINUTES"]),
        code_max_attempts=values["CODE_MAX_ATTEMPTS"],
        lookups_per_ip=values["LOOKUPS_PER_IP"],
        lookups_per_order=values["LOOKUPS_PER_ORDER"],
        failures_per_ip=values["FAILURES_PER_IP"],
        failures_per_key=values["FAILURES_PER_KEY"],
        window=timedelta(minutes=values["WINDOW_MINUTES"]),
        lockout=timedelta(minutes=values["LOCKOUT_MINUTES"]),
        guest_session=timedelta(hours=values["GUEST_HOURS"]),
        client_ip_header=values["CLIENT_IP_HEADER"],
    )
