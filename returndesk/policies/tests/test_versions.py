"""Publishing: the live rules become an immutable PolicyVersion; the shipped defaults; admin saves
publish; legal floors are database constraints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.core.errors import DomainError
from returndesk.policies.models import (
    AutoApprovalRule,
    FeeRule,
    PolicySettings,
    PolicyVersion,
    ReturnWindowRule,
)
from returndesk.policies.rules import CheckItem, Deduction, Policy, WindowRule
from returndesk.policies.rules import FeeRule as FeeSnapshot
from returndesk.policies.selectors import policy_current, policy_of
from returndesk.policies.services import policy_publish, policy_snapshot, policy_version_current

pytestmark = pytest.mark.django_db


def test_given_a_fresh_install_when_the_rules_are_read_then_they_are_the_documented_defaults():
    assert policy_snapshot() == Policy(
        version=None,
        windows=(
            WindowRule("", "consumer", "", 7, "calendar", False, "消费者各渠道(含门店)签收后 7 日内可无理由退货(商家承诺)"),
            WindowRule("", "key_account", "", 15, "calendar", True, "重要客户签收后 15 日内可退换(商务约定)"),
        ),
        fees=(
            FeeSnapshot("customer", "none", Decimal("0.00"), "customer"),
            FeeSnapshot("delivery", "none", Decimal("0.00"), "merchant"),
            FeeSnapshot("quality", "none", Decimal("0.00"), "merchant"),
        ),
        deductions=(
            Deduction("packaging_missing", "外包装缺失或严重破损", "Original packaging missing or badly damaged", "percent", Decimal("5.00")),
            Deduction("accessory_missing", "配件缺失", "Accessory missing", "percent", Decimal("10.00")),
            Deduction("manual_card_missing", "说明书或保修卡缺失", "Manual or warranty card missing", "percent", Decimal("2.00")),
        ),
        auto_approvals=(),  # shipped switched off
        checklist={
            "": (
                CheckItem("complete", "商品本身、配件、赠品、说明书齐全", "Item, accessories, gifts and manual all returned"),
                CheckItem("not_damaged", "无人为损坏或污渍,未超出查验需要使用", "No damage or soiling; not used beyond checking it"),
                CheckItem("packaging", "原包装及标签齐全(为查验拆封不影响完好)", "Original packaging and labels present (opening to check is fine)"),
            )
        },
    )  # fmt: skip
    assert set(AutoApprovalRule.objects.values_list("code", "is_active")) == {
        ("small_no_reason", False), ("key_account", False),
    }  # fmt: skip


def test_given_nothing_published_when_the_current_version_is_needed_then_version_1_is_published_once_by_the_system():
    assert PolicyVersion.objects.count() == 0
    assert policy_current().version is None  # a read never publishes

    first = policy_version_current()
    again = policy_version_current()

    assert (first.number, again.number, first.published_by, first.note) == (
        1,
        1,
        None,
        "初始版本 / initial version",
    )
    assert PolicyVersion.objects.count() == 1
    assert policy_of(first) == policy_snapshot().__class__.from_json(first.rules, version=1)
    assert policy_current().version == 1


def test_given_unchanged_rules_when_published_again_then_the_latest_version_is_returned_not_a_copy(
    admin_user,
):
    first = policy_publish(actor=admin_user)
    second = policy_publish(actor=admin_user, note="nothing changed")
    assert (first.number, second.number, PolicyVersion.objects.count()) == (1, 1, 1)


def test_given_a_changed_rule_when_published_then_a_new_version_holds_it_and_the_old_one_is_unchanged(
    admin_user,
):
    first = policy_publish(actor=admin_user)
    settings = PolicySettings.current()
    settings.no_reason_days = 10
    settings.save()

    second = policy_publish(actor=admin_user, note="10 天无理由")

    assert (second.number, second.published_by, second.note) == (2, admin_user, "10 天无理由")
    assert policy_of(second).no_reason_days == 10
    first.refresh_from_db()
    assert policy_of(first).no_reason_days == 7
    assert first.digest != second.digest


def test_given_a_staff_member_who_is_not_an_administrator_when_publishing_then_refused_and_nothing_written():
    agent = User.objects.create_user(username="agent", password="x", role=Role.AGENT)
    with pytest.raises(DomainError) as excinfo:
        policy_publish(actor=agent)
    assert (excinfo.value.code, excinfo.value.kind) == ("policy.forbidden", "forbidden")
    assert PolicyVersion.objects.count() == 0


def test_given_a_published_version_when_changed_through_the_orm_or_raw_sql_then_refused(admin_user):
    version = policy_publish(actor=admin_user)
    with pytest.raises(TypeError, match="immutable"):
        PolicyVersion.objects.filter(number=version.number).update(note="tampered")
    with pytest.raises(TypeError, match="immutable"):
        PolicyVersion.objects.all().delete()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE policies_policyversion SET note = %s WHERE number = %s", ["tampered", 1])
    version.refresh_from_db()
    assert version.note == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("no_reason_days", 6),
        ("quality_return_days", 6),
        ("sanbao_exchange_days", 14),
        ("repairs_before_replacement", 3),
    ],
)
def test_given_a_setting_below_the_legal_floor_when_saved_then_the_database_refuses_it(field, value):
    settings = PolicySettings.current()
    setattr(settings, field, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        settings.save()


def test_given_quality_returns_when_the_customer_is_made_to_pay_shipping_then_the_database_refuses_it():
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRule.objects.filter(reason_class="quality").update(return_shipping_payer="customer")


def test_given_an_administrator_when_a_window_is_added_in_the_admin_then_a_new_version_is_in_force(
    admin_client,
):
    before = policy_version_current()

    response = admin_client.post(
        reverse("admin:policies_returnwindowrule_add"),
        {
            "channel": "store",
            "customer_type": "consumer",
            "days": "3",
            "day_unit": "working",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ReturnWindowRule.objects.get(channel="store")
    latest = PolicyVersion.objects.order_by("-number").first()
    assert (latest.number, latest.published_by.username) == (before.number + 1, "admin")
    assert WindowRule("store", "consumer", "", 3, "working", False, "") in policy_of(latest).windows
    assert latest.note == f"{ReturnWindowRule._meta.verbose_name}: {rule}"  # in the admin's language


def test_given_a_staff_user_with_admin_access_but_not_an_administrator_when_editing_rules_then_not_allowed(
    client,
):
    supervisor = User.objects.create_user(username="sup", password="x", role=Role.SUPERVISOR, is_staff=True)
    supervisor.user_permissions.add(*Permission.objects.filter(content_type__app_label="policies"))
    client.force_login(supervisor)
    response = client.get(reverse("admin:policies_returnwindowrule_add"))
    assert response.status_code == 403


def test_given_the_policy_settings_page_when_an_administrator_saves_it_then_channels_and_main_parts_are_stored_and_published(
    admin_client,
):
    url = reverse("admin:policies_policysettings_change", args=[1])
    assert admin_client.get(url).status_code == 200
    form = {
        "no_reason_days": "10", "distance_channels": ["own_shop", "marketplace", "store"],
        "quality_return_days": "7", "sanbao_exchange_days": "15", "repairs_before_replacement": "2",
        "main_part_reasons": "Q04, Q02,Q02", "delivery_claim_days": "15", "evidence_required_for_quality": "on",
        "evidence_min_files": "1", "distributor_quality_only": "on",
        "distributor_message": "不予退货", "distributor_message_en": "Not accepted",
    }  # fmt: skip

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    settings = PolicySettings.current()
    assert (settings.distance_channels, settings.main_part_reasons) == (
        ["own_shop", "marketplace", "store"], ["Q02", "Q04"],
    )  # fmt: skip
    policy = policy_current()
    assert (policy.version, policy.no_reason_days, policy.distance_channels, policy.main_part_reasons) == (
        1, 10, ("marketplace", "own_shop", "store"), ("Q02", "Q04"),
    )  # fmt: skip
    assert policy.distributor_message == ("不予退货", "Not accepted")
