"""What the customer is promised: the refund's arrival by route in working days on China's
calendar, and the legal deadline (消费者权益保护法 第二十五条, refund within 7 days of receiving
the goods) tracked per case, with finance alarmed before it passes — also while a refund is
still in progress."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from returndesk.cases import services
from returndesk.cases.tasks import timeouts_scan
from returndesk.core.models import CalendarDay
from returndesk.refunds.models import Refund
from returndesk.refunds.promises import expected_arrival, refund_promise
from returndesk.sla.models import CaseDeadline

from .helpers import approved_refund_only, order_of, received_return

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def test_given_a_refund_the_day_before_national_day_when_promised_then_the_holiday_week_does_not_count(db):
    """2026: 10-01..10-07 are public holidays, Saturday 10-10 a make-up working day (调休)."""
    since = date(2026, 9, 30)

    assert expected_arrival(route="original", since=since).window == (date(2026, 10, 10), date(2026, 10, 20))
    assert expected_arrival(route="bank_transfer", since=since).window == (
        date(2026, 10, 8),
        date(2026, 10, 10),
    )
    assert expected_arrival(route="store_credit", since=since).window == (since, since)


def test_given_an_admin_holiday_override_when_promised_then_the_override_counts(db):
    CalendarDay.objects.create(date=date(2026, 10, 8), is_workday=False, name="公司调休")

    assert expected_arrival(route="bank_transfer", since=date(2026, 9, 30)).window == (
        date(2026, 10, 9), date(2026, 10, 12),
    )  # fmt: skip


def test_given_a_year_the_calendar_does_not_know_when_promised_then_no_date_is_guessed(db):
    promise = expected_arrival(route="original", since=date(2031, 12, 30))

    assert (promise.earliest, promise.latest, promise.problem) == (None, None, "calendar.out_of_range:2031")


def test_given_refunds_sent_on_a_day_when_read_then_each_promises_by_its_route_and_a_failed_one_nothing(
    consumer, consumer_user, agent, finance, line5
):
    from returndesk.refunds import simulated_gateway as gateway

    with time_machine.travel(at(9, 30, 10), tick=False):
        case = approved_refund_only(
            customer=consumer, customer_user=consumer_user, order_line=line5, quantity=1, agent=agent
        )
        gateway.gateway_script("fail")
        services.case_refund(case=case, actor=finance)
        services.case_refund(case=case, actor=finance, route="bank_transfer", account_name="张三",
                             bank="建设银行", account_number="6217000011112222")  # fmt: skip

    failed, transfer = Refund.objects.filter(case=case).order_by("attempt")
    assert refund_promise(failed).window == (None, None)
    assert refund_promise(transfer).window == (date(2026, 10, 8), date(2026, 10, 10))


def test_given_goods_received_and_a_bank_transfer_pending_when_5_days_pass_then_finance_is_alarmed_and_paying_ends_it(
    consumer, consumer_user, agent, warehouse, finance
):
    order = order_of(consumer, [{"quantity": 1, "unit_price": "100.00"}], delivered_at=at(11, 14))
    with time_machine.travel(at(11, 16, 10), tick=False):
        case = received_return(
            customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=1,
            agent=agent, warehouse=warehouse,
        )  # fmt: skip
    with time_machine.travel(at(11, 17, 10), tick=False):
        services.case_refund(case=case, actor=finance, route="bank_transfer", account_name="张三",
                             bank="建设银行", account_number="6217000011112222")  # fmt: skip
    deadline = CaseDeadline.objects.get(case=case, rule="refund_deadline")
    assert (deadline.state, deadline.due_at, deadline.fire_at) == ("pending", at(11, 23, 10), at(11, 21, 10))

    with time_machine.travel(at(11, 21, 10), tick=False):
        assert timeouts_scan() == {"alarm": 1}  # still 退款中: the money has not gone out
    assert case.events.filter(type="refund_deadline_alarm").count() == 1

    with time_machine.travel(at(11, 22, 9), tick=False):
        services.case_refund_confirm_manual(
            refund=Refund.objects.get(case=case), actor=finance, reference="CCB-1"
        )
    deadline.refresh_from_db()
    case.refresh_from_db()
    assert (case.status, deadline.state) == ("refunded", "fired")
    assert not CaseDeadline.objects.filter(case=case, state="pending").exists()
