"""The receipt checklist of the seed, for every product category (seed S9 step 6: 验收产品与客户
退货单上的信息一致、完好无损、配件齐全; S7: 原包装、发票、赠品等齐全; S4 六: 包装盒、说明书、保修卡).
Failed points of an accepted unit imply the policy's deductions (policies migration 0002)."""

from django.db import migrations

ITEMS = [  # code, name, name_en, deduction code
    ("matches_request", "与退货申请一致(型号、数量、序列号)", "Matches the request (model, quantity, serial)", ""),
    ("intact", "完好无损,无人为损坏或污渍", "Intact: no damage or soiling", ""),
    ("accessories", "配件齐全", "Accessories complete", "accessory_missing"),
    ("box", "原包装盒", "Original box", "packaging_missing"),
    ("manual", "说明书", "Manual", "manual_card_missing"),
    ("warranty_card", "保修卡", "Warranty card", "manual_card_missing"),
    ("invoice", "发票", "Invoice", ""),
    ("gifts", "赠品齐全", "Gifts included", "accessory_missing"),
]


def load_checklist(apps, schema_editor):
    ChecklistItem = apps.get_model("inspection", "ChecklistItem")
    for order, (code, name, name_en, deduction) in enumerate(ITEMS):
        ChecklistItem.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "deduction_code": deduction, "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("inspection", "0001_receipts_units_and_checklist")]

    operations = [migrations.RunPython(load_checklist, migrations.RunPython.noop)]
