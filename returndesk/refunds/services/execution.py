"""Paying refunds out: the provider is called outside any database transaction, once per refund.

1. Claim (a short transaction that must be the outermost, `durable=True`): a pending refund not
   yet sent gets `sent_at`. Whoever claims it is the only one to send it; anyone else finds it
   sent and does nothing.
2. Send, with no transaction open: the provider gets the refund's idempotency key.
3. Record the answer (a short transaction): succeeded, failed (its payments' caps are given
   back, so the balance stays refundable), or processing. A timeout, or any unexpected error,
   leaves the outcome unknown: it is then resolved by asking the provider (`refund_query`),
   never by sending again. A provider that never received the request (`not_found`) makes the
   refund failed, and a new attempt gets a new key.

Callbacks (`refund_callback_receive`) are checked against the refund: a repeat of the outcome
already recorded (same provider reference) is a duplicate and changes nothing; one that
contradicts what we know (another amount, currency or reference, or the opposite outcome) is
refused and the refund is flagged for finance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.core.errors import DomainError
from returndesk.core.i18n import both
from returndesk.notifications.services import email_enqueue
from returndesk.orders.models import Payment

from .. import errors
from ..models import CallbackOutcome, ProviderCallback, ProviderCode, Refund, RefundStatus
from ..providers import ProviderAnswer, ProviderError, ProviderTimeout, RefundOrder, provider_for

log = logging.getLogger(__name__)
QUERY_GRACE = timedelta(minutes=1)  # a send still in flight is never taken for a lost one
SEND_GRACE = timedelta(minutes=1)  # created but not sent (the after-commit call did not run)
QUERY_INTERVAL = timedelta(minutes=5)
FINANCE_ROLES = frozenset({Role.FINANCE})


def _order(refund: Refund) -> RefundOrder:
    return RefundOrder(
        key=refund.idempotency_key,
        refund_id=str(refund.pk),
        amount=refund.amount,
        currency=refund.currency,
        payment_reference=refund.payment.provider_reference if refund.payment_id else "",
        payee=refund.payee or None,
    )


def _locked(refund_id) -> Refund:
    return Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund_id)


def _succeed(refund: Refund, *, reference: str, at: datetime, confirmed_by=None) -> None:
    refund.status = RefundStatus.SUCCEEDED
    refund.succeeded_at = at
    refund.outcome_unknown = False
    refund.provider_reference = reference or refund.provider_reference
    refund.confirmed_by = confirmed_by or refund.confirmed_by
    try:
        with transaction.atomic():
            refund.save()
    except IntegrityError:  # another refund of this provider already carries the reference
        raise errors.reference_taken(reference) from None


def _fail(refund: Refund, *, reason: str, at: datetime, confirmed_by=None) -> None:
    """Failed: what the refund drew on its payments becomes refundable again."""
    refund.status = RefundStatus.FAILED
    refund.failed_at = at
    refund.outcome_unknown = False
    refund.failure_reason = reason[:300]
    refund.confirmed_by = confirmed_by or refund.confirmed_by
    refund.save()
    for allocation in refund.allocations.filter(released_at__isnull=True).order_by("payment_id"):
        Payment.objects.filter(id=allocation.payment_id).update(
            refunded_amount=F("refunded_amount") - allocation.amount
        )
        allocation.released_at = at
        allocation.save(update_fields=["released_at"])


def _flag(refund: Refund, reason: str) -> None:
    """Mark the refund for finance's review and tell finance (one email, both languages)."""
    refund.flagged = True
    refund.flag_reason = reason[:300]
    refund.save(update_fields=["flagged", "flag_reason", "updated_at"])
    to = sorted(
        User.objects.filter(role=Role.FINANCE, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if to:
        email_enqueue(
            to=to,
            subject=f"【退款异常 / Refund flagged】{refund.number}",
            body=(
                f"退款 {refund.number}(金额 {refund.amount} {refund.currency})收到与记录不符的支付渠道回调,"
                f"已拒绝并标记待核查:{reason}\n\n"
                f"Refund {refund.number} ({refund.amount} {refund.currency}) received a provider callback that "
                f"does not match our record; it was refused and the refund flagged for review: {reason}\n"
            ),
            key=f"refund-flag-{refund.pk}-{timezone.now().timestamp():.0f}",
        )


def _apply(refund: Refund, answer: ProviderAnswer, *, at: datetime, source: str) -> None:
    """Record a provider's answer on a locked refund (send, query, or callback)."""
    if refund.status != RefundStatus.PENDING:
        if answer.status in (RefundStatus.SUCCEEDED, RefundStatus.FAILED) and answer.status != refund.status:
            _flag(refund, f"{source}: provider says {answer.status}, recorded {refund.status}")
        return
    if answer.amount is not None and answer.amount != refund.amount:
        _flag(refund, f"{source}: provider amount {answer.amount} ≠ {refund.amount}")
        return
    if answer.status == RefundStatus.SUCCEEDED:
        _succeed(refund, reference=answer.reference, at=at)
    elif answer.status == RefundStatus.FAILED:
        _fail(refund, reason=answer.failure_reason or f"declined ({source})", at=at)
    elif answer.status == "not_found":
        _fail(refund, reason="支付渠道没有收到该退款请求 / the provider never received it", at=at)
    else:  # processing: the outcome comes later (callback, finance, or a query)
        refund.provider_reference = answer.reference or refund.provider_reference
        refund.outcome_unknown = False
        refund.save(update_fields=["provider_reference", "outcome_unknown", "updated_at"])


def _record(refund_id, answer: ProviderAnswer, *, source: str) -> Refund:
    with transaction.atomic(durable=True):
        refund = _locked(refund_id)
        _apply(refund, answer, at=timezone.now(), source=source)
    return refund


def _record_unknown(refund_id, error: str) -> Refund:
    with transaction.atomic(durable=True):
        refund = _locked(refund_id)
        if refund.status == RefundStatus.PENDING:
            refund.outcome_unknown = True
            refund.last_error = error[:300]
            refund.save(update_fields=["outcome_unknown", "last_error", "updated_at"])
    return refund


def refund_execute(*, refund_id) -> Refund:
    """Send a pending refund to its provider, once (see the module docstring). Must be called
    with no transaction open; a refund already sent is left to `refund_query`."""
    with transaction.atomic(durable=True):
        refund = _locked(refund_id)
        if refund.status != RefundStatus.PENDING or refund.sent_at is not None:
            return refund
        refund.sent_at = timezone.now()
        refund.save(update_fields=["sent_at", "updated_at"])
    provider = provider_for(refund.provider)
    try:
        answer = provider.send(_order(refund))
    except ProviderTimeout as exc:
        return _record_unknown(refund_id, f"timeout: {exc}")
    except ProviderError as exc:  # refused as malformed: it was not made
        return _record(refund_id, ProviderAnswer("failed", failure_reason=f"refused: {exc}"), source="send")
    except Exception as exc:
        log.exception("refund %s: provider %s failed", refund.number, refund.provider)
        return _record_unknown(refund_id, f"{type(exc).__name__}: {exc}")
    return _record(refund_id, answer, source="send")


def refund_query(*, refund_id) -> Refund:
    """Ask the provider what became of a sent refund and record it (never sends again)."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING or refund.sent_at is None:
        return refund
    provider = provider_for(refund.provider)
    if provider.confirms_by_hand:
        return refund
    try:
        answer = provider.query(_order(refund))
    except Exception as exc:
        log.warning("refund %s: query failed: %s", refund.number, exc)
        answer = None
    with transaction.atomic(durable=True):
        refund = _locked(refund_id)
        refund.queried_at = timezone.now()
        refund.save(update_fields=["queried_at", "updated_at"])
        if answer is not None:
            _apply(refund, answer, at=refund.queried_at, source="query")
    return refund


def refund_attend(*, refund_id) -> Refund:
    """Whatever a pending refund needs now: sent if it was not, queried if it was."""
    refund = Refund.objects.get(pk=refund_id)
    if refund.status == RefundStatus.PENDING and refund.sent_at is None:
        return refund_execute(refund_id=refund_id)
    return refund_query(refund_id=refund_id)


def refunds_needing_attention(*, now: datetime | None = None, limit: int = 200) -> list[tuple]:
    """(refund id, case id) of pending refunds the worker should handle: not sent a minute after
    they were made (the after-commit call did not run), or sent and still undecided at a
    provider that can be asked (not asked in the last few minutes)."""
    now = now or timezone.now()
    unsent = Q(sent_at__isnull=True, created_at__lte=now - SEND_GRACE)
    undecided = (
        Q(sent_at__isnull=False, sent_at__lte=now - QUERY_GRACE)
        & ~Q(provider=ProviderCode.MANUAL)
        & (Q(queried_at__isnull=True) | Q(queried_at__lte=now - QUERY_INTERVAL))
    )
    rows = Refund.objects.filter(Q(status=RefundStatus.PENDING) & (unsent | undecided))
    return list(rows.order_by("created_at").values_list("id", "case_id")[:limit])


def _require_finance(actor) -> None:
    if actor is None or not (actor.is_superuser or actor.role in FINANCE_ROLES):
        raise errors.role_forbidden()


def _manual_pending(refund_id) -> Refund:
    refund = _locked(refund_id)
    if refund.provider != ProviderCode.MANUAL:
        raise errors.not_manual(refund.number)
    if refund.status != RefundStatus.PENDING:
        zh, en = both(refund.get_status_display())
        raise errors.not_pending(refund.number, zh, en)
    return refund


def refund_confirm_manual(*, refund: Refund, actor, reference: str) -> Refund:
    """Finance has paid a manual refund (seed S2 财务冲账; a bank transfer or cash) and confirms
    it with the bank's transaction reference, which may be used for one refund only."""
    _require_finance(actor)
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise errors.invalid(
            "reference", "请填写银行流水号(最多 100 个字符)", "Enter the bank reference (≤ 100 characters)"
        )
    with transaction.atomic():
        locked = _manual_pending(refund.pk)
        now = timezone.now()
        locked.sent_at = locked.sent_at or now
        _succeed(locked, reference=reference, at=now, confirmed_by=actor)
    return locked


def refund_fail_manual(*, refund: Refund, actor, reason: str) -> Refund:
    """Finance records that a manual refund could not be paid (e.g. the bank returned the
    transfer); its amount becomes refundable again and the case can be refunded anew."""
    _require_finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise errors.invalid("reason", "请填写失败原因", "Say why it failed")
    with transaction.atomic():
        locked = _manual_pending(refund.pk)
        _fail(locked, reason=reason, at=timezone.now(), confirmed_by=actor)
    return locked


@dataclass(frozen=True)
class CallbackResult:
    outcome: str
    refund: Refund | None
    error: DomainError | None = None


def _callback_check(refund: Refund, cb) -> str:
    """'' when the callback fits what we know of the refund, else what does not."""
    if cb.amount != refund.amount or cb.currency != refund.currency:
        return f"amount {cb.amount} {cb.currency} ≠ {refund.amount} {refund.currency}"
    if refund.provider_reference and cb.reference != refund.provider_reference:
        return f"reference {cb.reference} ≠ {refund.provider_reference}"
    if (
        refund.is_final
        and cb.status in (RefundStatus.SUCCEEDED, RefundStatus.FAILED)
        and cb.status != refund.status
    ):
        return f"status {cb.status} ≠ {refund.status}"
    return ""


def refund_callback_receive(*, provider_code: str, body: bytes, headers: dict[str, str]) -> CallbackResult:
    """A provider's callback: verified, logged, and applied once (see the module docstring).
    Returns what was done; `error` is set for a refused callback (the log row and any flag are
    kept: they are written before the caller raises it)."""
    provider = provider_for(provider_code)
    now = timezone.now()
    text = body.decode("utf-8", errors="replace")[:20000]
    try:
        cb = provider.parse_callback(body, headers)
    except PermissionError:
        ProviderCallback.objects.create(
            provider=provider_code, received_at=now, body=text, outcome=CallbackOutcome.REFUSED_SIGNATURE
        )
        return CallbackResult(CallbackOutcome.REFUSED_SIGNATURE, None, errors.callback_signature())
    except ValueError as exc:
        ProviderCallback.objects.create(
            provider=provider_code, received_at=now, body=text, outcome=CallbackOutcome.REFUSED_MALFORMED,
            detail=str(exc)[:300],
        )  # fmt: skip
        return CallbackResult(
            CallbackOutcome.REFUSED_MALFORMED, None, errors.callback_malformed(str(exc)[:200])
        )
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment")
            .filter(provider=provider_code, idempotency_key=cb.key)
            .first()
        )
        log_row = {"provider": provider_code, "received_at": now, "body": text, "refund": refund}
        log_row |= {"provider_reference": cb.reference[:100], "reported_status": cb.status[:20]}
        if refund is None:
            ProviderCallback.objects.create(**log_row, outcome=CallbackOutcome.REFUSED_UNKNOWN)
            return CallbackResult(
                CallbackOutcome.REFUSED_UNKNOWN, None, errors.callback_unknown(cb.reference)
            )
        mismatch = _callback_check(refund, cb)
        if mismatch:
            _flag(refund, f"callback: {mismatch}")
            ProviderCallback.objects.create(
                **log_row, outcome=CallbackOutcome.REFUSED_INCONSISTENT, detail=mismatch
            )
            error = errors.callback_inconsistent(refund.number, mismatch, mismatch)
            return CallbackResult(CallbackOutcome.REFUSED_INCONSISTENT, refund, error)
        if refund.is_final or cb.status not in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
            ProviderCallback.objects.create(**log_row, outcome=CallbackOutcome.DUPLICATE)
            return CallbackResult(CallbackOutcome.DUPLICATE, refund)
        answer = ProviderAnswer(cb.status, cb.reference, cb.amount, cb.currency, cb.failure_reason)
        _apply(refund, answer, at=now, source="callback")
        ProviderCallback.objects.create(**log_row, outcome=CallbackOutcome.APPLIED)
    return CallbackResult(CallbackOutcome.APPLIED, refund)
