"""Seed data every installation needs, and the append-only guard on the case timeline."""

from django.db import migrations

# (code, parent, name, name_en, class, urgent) — reasons from seed S4, S6 and S7.
REASONS = [
    ("Q", None, "质量问题", "Quality problem", "quality", False),
    ("Q01", "Q", "无法开机/不通电", "Does not power on", "quality", False),
    (
        "Q02",
        "Q",
        "屏幕故障(花屏/坏点/漏光)",
        "Screen fault (artefacts, dead pixels, bleeding)",
        "quality",
        False,
    ),
    ("Q03", "Q", "键盘/触控板失灵", "Keyboard or touchpad fails", "quality", False),
    ("Q04", "Q", "硬件损坏(硬盘/内存/主板)", "Hardware failure (disk, memory, mainboard)", "quality", False),
    ("Q05", "Q", "系统不稳定/死机/蓝屏", "System unstable, freezes or crashes", "quality", False),
    ("Q06", "Q", "发热冒烟等安全隐患", "Overheating, smoke or other safety hazard", "quality", True),
    ("Q07", "Q", "与描述不符(配置不符)", "Not as described (configuration differs)", "quality", False),
    ("Q08", "Q", "外观损坏/瑕疵", "Cosmetic damage or defect", "quality", False),
    ("Q09", "Q", "配件缺失", "Accessories missing", "quality", False),
    ("D", None, "配送问题", "Delivery problem", "delivery", False),
    ("D01", "D", "发错货", "Wrong item shipped", "delivery", False),
    ("D02", "D", "少发/漏发", "Items missing from the shipment", "delivery", False),
    ("D03", "D", "运输途中损坏", "Damaged in transit", "delivery", False),
    ("D04", "D", "延迟送达", "Delivered late", "delivery", False),
    ("C", None, "买家原因", "Customer's own reason", "customer", False),
    ("C01", "C", "七天无理由退货", "No-reason return within 7 days", "customer", False),
    ("C02", "C", "不想要了/需求变化", "Changed mind or needs changed", "customer", False),
    ("C03", "C", "拍错/多拍", "Ordered by mistake or too many", "customer", False),
    ("C04", "C", "与自有设备不兼容", "Incompatible with own equipment", "customer", False),
    ("C05", "C", "使用/保养咨询", "Usage or care question", "customer", False),
    ("C99", "C", "其他原因", "Other reason", "customer", False),
]


def load_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("cases", "ReturnReason")
    CaseSettings = apps.get_model("cases", "CaseSettings")
    by_code = {}
    for order, (code, parent, name, name_en, cls, urgent) in enumerate(REASONS):
        by_code[code], _ = ReturnReason.objects.get_or_create(
            code=code,
            defaults={
                "parent": by_code.get(parent),
                "name": name,
                "name_en": name_en,
                "reason_class": cls,
                "is_urgent": urgent,
                "sort_order": order,
            },
        )
    CaseSettings.objects.get_or_create(id=1)


def unload_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("cases", "ReturnReason")
    codes = [r[0] for r in REASONS]
    ReturnReason.objects.filter(code__in=codes, parent__isnull=False).delete()
    ReturnReason.objects.filter(code__in=codes).delete()


def add_append_only_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'case events are append-only'; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            "CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent "
            "FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only()"
        )
    elif vendor == "sqlite":
        # UPDATE only: Django's test flush on SQLite empties tables with DELETE.
        schema_editor.execute(
            "CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE ON cases_caseevent "
            "BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END"
        )


def drop_append_only_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS cases_caseevent_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_append_only")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(load_reasons, unload_reasons),
        migrations.RunPython(add_append_only_trigger, drop_append_only_trigger),
    ]
