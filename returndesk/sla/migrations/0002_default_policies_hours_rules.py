"""Load the defaults as editable rows: SLA policies (seed S1 四: 24 h / 72 h, shorter for urgent
issues and key accounts), the company's working hours (09:00–12:00, 13:30–18:00) and one row per
timeout rule. The code falls back to the same values when the tables are empty."""

from django.db import migrations

from returndesk.sla.rules import DEFAULT_HOURS, DEFAULT_POLICIES, RULE_DEFAULTS


def load(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    WorkingHours = apps.get_model("sla", "WorkingHours")
    WorkingPeriod = apps.get_model("sla", "WorkingPeriod")
    TimeoutRule = apps.get_model("sla", "TimeoutRule")
    for p in DEFAULT_POLICIES:
        SlaPolicy.objects.get_or_create(
            priority=p.priority,
            customer_type=p.customer_type,
            defaults={
                "name": p.name,
                "first_response_hours": p.first_response_hours,
                "solution_hours": p.solution_hours,
                "warning_percent": p.warning_percent,
            },
        )
    if not WorkingHours.objects.filter(is_default=True).exists():
        hours = WorkingHours.objects.create(name="公司默认 / Company default", is_default=True)
        for start, end in DEFAULT_HOURS:
            WorkingPeriod.objects.create(hours=hours, start=start, end=end)
    for code, d in RULE_DEFAULTS.items():
        TimeoutRule.objects.get_or_create(
            code=code,
            defaults={
                "amount": d.amount,
                "unit": d.unit,
                "lead_hours": d.lead_hours,
                "action": d.action,
                "solution": d.solution,
            },
        )


def unload(apps, schema_editor):
    for name in ("SlaPolicy", "WorkingHours", "TimeoutRule"):
        apps.get_model("sla", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_clocks_deadlines_policies")]

    operations = [migrations.RunPython(load, unload)]
