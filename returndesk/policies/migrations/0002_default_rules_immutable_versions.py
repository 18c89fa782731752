"""The shipped default rules (docs/policies.md) and the guard that keeps published versions
immutable. Version 1 is published from these rows on first use (policies.services)."""

from decimal import Decimal

from django.db import migrations

FEES = [  # reason class, restocking kind, value, return shipping paid by
    ("quality", "none", Decimal("0"), "merchant"),  # 消费者权益保护法 art. 24
    ("delivery", "none", Decimal("0"), "merchant"),  # the merchant's own mistake
    ("customer", "none", Decimal("0"), "customer"),  # 消费者权益保护法 art. 25
]
WINDOWS = [  # channel, customer type, days, unit, exchange allowed, note
    ("", "consumer", 7, "calendar", False, "消费者各渠道(含门店)签收后 7 日内可无理由退货(商家承诺)"),
    ("", "key_account", 15, "calendar", True, "重要客户签收后 15 日内可退换(商务约定)"),
]
DEDUCTIONS = [  # code, name, name_en, kind, value
    ("packaging_missing", "外包装缺失或严重破损", "Original packaging missing or badly damaged", "percent", Decimal("5")),
    ("accessory_missing", "配件缺失", "Accessory missing", "percent", Decimal("10")),
    ("manual_card_missing", "说明书或保修卡缺失", "Manual or warranty card missing", "percent", Decimal("2")),
]
AUTO_APPROVALS = [  # code, name, name_en, customer type, reason class, solution, below — shipped inactive
    ("small_no_reason", "小额无理由退货", "Small no-reason returns", "consumer", "customer", "refund", Decimal("200")),
    ("key_account", "重要客户申请", "Requests from key accounts", "key_account", "", "", None),
]
CHECKS = [  # code, name, name_en — for every category (网络购买商品七日无理由退货暂行办法 art. 8)
    ("complete", "商品本身、配件、赠品、说明书齐全", "Item, accessories, gifts and manual all returned"),
    ("not_damaged", "无人为损坏或污渍,未超出查验需要使用", "No damage or soiling; not used beyond checking it"),
    ("packaging", "原包装及标签齐全(为查验拆封不影响完好)", "Original packaging and labels present (opening to check is fine)"),
]


def load_defaults(apps, schema_editor):
    PolicySettings = apps.get_model("policies", "PolicySettings")
    FeeRule = apps.get_model("policies", "FeeRule")
    ReturnWindowRule = apps.get_model("policies", "ReturnWindowRule")
    DeductionRule = apps.get_model("policies", "DeductionRule")
    AutoApprovalRule = apps.get_model("policies", "AutoApprovalRule")
    IntactCheckItem = apps.get_model("policies", "IntactCheckItem")
    PolicySettings.objects.get_or_create(id=1)
    for reason_class, kind, value, payer in FEES:
        FeeRule.objects.get_or_create(
            reason_class=reason_class,
            defaults={"restocking_kind": kind, "restocking_value": value, "return_shipping_payer": payer},
        )
    for channel, customer_type, days, unit, exchange, note in WINDOWS:
        ReturnWindowRule.objects.get_or_create(
            channel=channel,
            customer_type=customer_type,
            category=None,
            defaults={"days": days, "day_unit": unit, "allows_exchange": exchange, "note": note},
        )
    for order, (code, name, name_en, kind, value) in enumerate(DEDUCTIONS):
        DeductionRule.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "value": value, "sort_order": order}
        )
    for order, (code, name, name_en, customer_type, reason_class, solution, below) in enumerate(AUTO_APPROVALS):
        AutoApprovalRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "customer_type": customer_type, "reason_class": reason_class,
                "solution": solution, "amount_below": below, "is_active": False, "sort_order": order,
            },
        )
    for order, (code, name, name_en) in enumerate(CHECKS):
        IntactCheckItem.objects.get_or_create(
            code=code, category=None, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def unload_defaults(apps, schema_editor):
    for model in ("IntactCheckItem", "AutoApprovalRule", "DeductionRule", "ReturnWindowRule", "FeeRule"):
        apps.get_model("policies", model).objects.all().delete()
    apps.get_model("policies", "PolicySettings").objects.all().delete()


def add_immutable_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION policies_policyversion_immutable() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'policy versions are immutable'; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            "CREATE TRIGGER policies_policyversion_immutable BEFORE UPDATE OR DELETE ON policies_policyversion "
            "FOR EACH ROW EXECUTE FUNCTION policies_policyversion_immutable()"
        )
    elif vendor == "sqlite":
        # UPDATE only: Django's test flush on SQLite empties tables with DELETE.
        schema_editor.execute(
            "CREATE TRIGGER policies_policyversion_immutable BEFORE UPDATE ON policies_policyversion "
            "BEGIN SELECT RAISE(ABORT, 'policy versions are immutable'); END"
        )


def drop_immutable_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS policies_policyversion_immutable ON policies_policyversion")
        schema_editor.execute("DROP FUNCTION IF EXISTS policies_policyversion_immutable()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS policies_policyversion_immutable")


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [
        migrations.RunPython(load_defaults, unload_defaults),
        migrations.RunPython(add_immutable_trigger, drop_immutable_trigger),
    ]
