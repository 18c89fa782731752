"""Every status a case can be in has a "what happens next" sentence, and every event type the
code can write either has a timeline sentence or is deliberately hidden from customers
(texts.HIDDEN_EVENTS) — both in Chinese, so nothing falls through to an English msgid or to the
generic "closed" text. Event types are read from the source (every event_record/_alert call),
so a new one added anywhere fails here until the portal says something about it."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from returndesk.cases import services as cs
from returndesk.cases.models import CaseEvent, Status
from returndesk.cases.selectors import EVENT_LABELS
from returndesk.cases.workflow import TRANSITIONS
from returndesk.portal import texts
from returndesk.portal.refund_status import Component, PortalRefund

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]  # returndesk/
HAN = re.compile(r"[\u4e00-\u9fff]")


def written_event_types() -> set[str]:
    """Literal `type=` of every event_record(...) / _alert(...) call outside the tests."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in {"event_record", "_alert"}:
                continue
            for kw in node.keywords:
                if kw.arg == "type" and isinstance(kw.value, ast.Constant):
                    found.add(kw.value.value)
    return found


def all_event_types() -> set[str]:
    return {t.action for t in TRANSITIONS} | set(EVENT_LABELS) | written_event_types()


@pytest.fixture
def case(consumer_user, shop_order):
    mouse = shop_order.lines.get(position=2)
    return cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type="return_refund", channel="web",
        lines=[{"order_line": mouse, "quantity": 1, "reason": "C01"}],
    )  # fmt: skip


def test_given_the_source_when_scanned_then_the_event_types_written_outside_transitions_are_found():
    """The scan itself works (else the completeness test below would pass vacuously)."""
    assert {"note", "survey", "pickup_booked", "carrier_delivered", "sla_breached"} <= written_event_types()


def test_given_every_event_type_when_shown_to_a_customer_then_it_has_a_chinese_sentence_or_is_hidden(case):
    missing, untranslated = [], []
    with translation.override("zh-hans"):
        for event_type in sorted(all_event_types()):
            event = CaseEvent(
                case=case, type=event_type, actor_role="system", data={}, created_at=timezone.now()
            )
            step = texts.step_for(event, case)
            if event_type in texts.HIDDEN_EVENTS:
                assert step is None, event_type
            elif step is None or not step.title:
                missing.append(event_type)
            elif not HAN.search(step.title):
                untranslated.append((event_type, step.title))
    assert missing == []
    assert untranslated == []


def test_given_the_hidden_events_when_listed_then_each_is_a_real_event_type():
    assert texts.HIDDEN_EVENTS <= all_event_types()


REFUND = PortalRefund(
    total=Decimal("99.00"), currency="CNY", components=[Component("商品", Decimal("99.00"), "")], route="原路退回",
    state="pending",
)  # fmt: skip
REFUND_EN = PortalRefund(
    total=Decimal("99.00"), currency="CNY", components=[Component("Goods", Decimal("99.00"), "")],
    route="Original payment route", state="pending",
)  # fmt: skip


@pytest.mark.parametrize("status", list(Status))
def test_given_each_status_when_the_customer_looks_then_a_chinese_next_step_is_said(case, status):
    case.status = status
    with translation.override("zh-hans"):
        text = texts.next_step(case, due={}, refund=REFUND).text
    assert text and HAN.search(text), text
    if status != Status.CLOSED:
        assert text != "此工单已关闭。"  # no status falls through to the closing sentence


def test_given_each_status_when_the_customer_looks_in_english_then_an_english_next_step_is_said(case):
    with translation.override("en"):
        for status in Status:
            case.status = status
            text = texts.next_step(case, due={}, refund=REFUND_EN).text
            assert text and not HAN.search(text), (status, text)
