"""The limits hold across gunicorn workers: real threads with their own database connections
ask at once. PostgreSQL queues them on advisory locks and row locks; SQLite serialises writers
(BEGIN IMMEDIATE), so the same scenarios run there too as a cheaper check of the outcome."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import override_settings

from returndesk.cases.tests.test_concurrency import run_together
from returndesk.portal.models import AccessCode, Attempt, GuestAccount
from returndesk.portal.services import portal_code_request, portal_code_verify, portal_login_begin
from returndesk.portal.services.access import code_for

pytestmark = pytest.mark.django_db(transaction=True)
LIMITS = {"LOOKUPS_PER_ORDER": 3, "LOOKUPS_PER_IP": 100}


def _eight_lookups_of_one_order_at_once(shop_order):
    with override_settings(RETURNDESK_PORTAL=LIMITS):
        results = run_together(
            8,
            lambda i, _: (
                portal_code_request(
                    order_number=shop_order.number,
                    contact="buyer@example.com",
                    ip=f"10.9.0.{i}",
                    language="zh-hans",
                ).id
            ),
        )
    assert Counter(kind for kind, _ in results) == {"ok": 3, "error": 5}, results
    assert {exc.code for kind, exc in results if kind == "error"} == {"portal.throttled"}
    assert AccessCode.objects.count() == 3
    assert Attempt.objects.filter(kind="lookup_order").count() == 3


def _one_code_entered_in_two_browsers_at_once(shop_order):
    access = portal_code_request(
        order_number=shop_order.number, contact="buyer@example.com", ip="10.9.1.1", language="zh-hans"
    )
    code = code_for(access.id)
    results = run_together(
        4, lambda i, _: portal_code_verify(code_id=access.id, code=code, ip=f"10.9.1.{i}").user.id
    )
    assert sorted(kind for kind, _ in results) == ["error", "error", "error", "ok"], results
    assert GuestAccount.objects.count() == 1
    access.refresh_from_db()
    assert access.used_at is not None


def _a_burst_of_sign_ins_for_one_username(consumer_user):
    results = run_together(8, lambda i, _: portal_login_begin(ip=f"10.9.2.{i}", username="zhangsan"))
    assert Counter(kind for kind, _ in results) == {"ok": 5, "error": 3}, results
    assert Attempt.objects.filter(kind="login_user").count() == 5


@pytest.mark.postgres_only
def test_given_a_limit_of_3_codes_when_8_workers_ask_for_one_order_at_once_on_postgresql_then_exactly_3_get_one(
    shop_order,
):
    _eight_lookups_of_one_order_at_once(shop_order)


def test_given_a_limit_of_3_codes_when_8_workers_ask_for_one_order_at_once_then_exactly_3_get_one(shop_order):
    _eight_lookups_of_one_order_at_once(shop_order)


@pytest.mark.postgres_only
def test_given_one_code_when_4_browsers_enter_it_at_once_on_postgresql_then_exactly_one_opens_the_order(
    shop_order,
):
    _one_code_entered_in_two_browsers_at_once(shop_order)


def test_given_one_code_when_4_browsers_enter_it_at_once_then_exactly_one_opens_the_order(shop_order):
    _one_code_entered_in_two_browsers_at_once(shop_order)


@pytest.mark.postgres_only
def test_given_8_parallel_sign_ins_for_one_username_on_postgresql_then_only_5_are_tried(consumer_user):
    _a_burst_of_sign_ins_for_one_username(consumer_user)


def test_given_8_parallel_sign_ins_for_one_username_then_only_5_are_tried(consumer_user):
    _a_burst_of_sign_ins_for_one_username(consumer_user)
