"""The dashboard, its panel fragments and exports; the improvement, follow-up and knowledge
pages — through Django's test client with real sign-ins."""

import csv
import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from returndesk.analytics.rollups import rollup_rebuild
from returndesk.followups.models import FollowUp
from returndesk.improvements.models import ImprovementAction

from .world import at

pytestmark = pytest.mark.django_db
MARCH = "date_from=2026-03-01&date_to=2026-03-31"


@pytest.fixture
def march(world):
    rollup_rebuild()
    return world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_given_finance_when_opening_the_dashboard_then_its_panels_load_by_htmx_and_the_nav_links_it(march):
    page = client_for(march.users["finance"]).get(f"/analytics/?{MARCH}")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-get="/analytics/panels/refunds/?date_from=2026-03-01&amp;date_to=2026-03-31"' in html
    assert "/analytics/panels/sla_breaches/" not in html  # a service panel, not finance's
    assert 'href="/analytics/"' in html  # the nav link in base.html
    assert "vendor/echarts/echarts.min.js" in html


def test_given_a_panel_fragment_when_rendered_then_an_accessible_table_and_the_chart_data(march):
    page = client_for(march.users["agent"]).get(f"/analytics/panels/return_rate_by_product/?{MARCH}")

    html = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col" class="num">退货率</th>' in html
    assert '<td class="num">20.00%</td>' in html
    assert '"type": "bar"' in html and '"categories": ["笔记本一", "显示器三", "笔记本二"]' in html


def test_given_bad_dates_when_loading_a_fragment_then_the_message_and_422(march):
    page = client_for(march.users["agent"]).get("/analytics/panels/reason_pareto/?date_from=2026-13-01")

    assert page.status_code == 422
    assert "日期格式应为 YYYY-MM-DD" in page.content.decode()


def test_given_a_panel_when_exported_as_csv_and_excel_then_the_same_rows(march):
    client = client_for(march.users["gm"] if "gm" in march.users else march.users["finance"])

    as_csv = client.get(f"/analytics/panels/reason_pareto.csv?{MARCH}")
    as_xlsx = client.get(f"/analytics/panels/reason_pareto.xlsx?{MARCH}")

    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["代码", "原因", "类别", "行数", "件数", "占比", "累计占比"]
    assert [r[0] for r in rows[1:]] == ["Q02", "Q01", "C01"]
    assert rows[1][4:] == ["5", "0.6250", "0.6250"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet["A4"].value == "代码" and sheet["A5"].value == "Q02" and sheet["E5"].value == 5
    assert sheet["F5"].number_format == "0.00%"


def test_given_the_warehouse_when_exporting_a_money_panel_or_a_customer_the_dashboard_then_403(march):
    assert (
        client_for(march.users["warehouse"]).get(f"/analytics/panels/refunds.csv?{MARCH}").status_code == 403
    )
    assert client_for(march.users["c1"]).get("/analytics/").status_code == 403
    assert Client().get("/analytics/").status_code == 302  # to the sign-in page


def test_given_qc_when_opening_an_action_from_the_pareto_then_it_is_saved_and_measured(march):
    client = client_for(march.users["qc"])
    pareto = client.get(f"/analytics/panels/reason_pareto/?{MARCH}").content.decode()
    assert '<a href="/improvements/new/?reason=Q02">Q02</a>' in pareto
    assert (
        "/improvements/new/"
        not in client_for(march.users["agent"])
        .get(f"/analytics/panels/reason_pareto/?{MARCH}")
        .content.decode()
    )  # agents do not open actions
    form = client.get("/improvements/new/?reason=Q02")
    assert form.status_code == 200 and "Q02" in form.content.decode()

    with time_machine.travel(at(3, 4, 9), tick=False):
        response = client.post(
            "/improvements/new/",
            {
                "title": "屏幕来料检验", "description": "加严 L1 批次来料检验", "reason": "", "cause_stage": "material",
                "products": [str(march.products["P1"].pk)], "owner": str(march.users["qc"].pk),
                "started_on": "2026-03-03", "due_on": "2026-04-30",
            },
        )  # fmt: skip
        action = ImprovementAction.objects.get()
        detail = client.get(f"/improvements/{action.pk}/")

    assert response.status_code == 302
    html = detail.content.decode()
    assert "15.00%" in html and "25.00%" in html  # before / after, as in test_improvements


def test_given_no_reason_and_no_stage_when_posting_an_action_then_the_form_error_and_nothing_saved(march):
    response = client_for(march.users["qc"]).post(
        "/improvements/new/",
        {
            "title": "x", "description": "y", "products": [str(march.products["P1"].pk)],
            "owner": str(march.users["qc"].pk), "started_on": "2026-03-03", "due_on": "2026-04-30",
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert "改进措施须针对一个退货原因或问题环节" in response.content.decode()
    assert ImprovementAction.objects.count() == 0


def test_given_a_due_follow_up_when_the_agent_records_the_call_then_it_is_done(world):
    """K1's follow-up was answered by its survey; close K3 (rejected) so another falls due."""
    from returndesk.cases import services

    with time_machine.travel(at(3, 23, 9), tick=False):
        services.case_close(case=world.cases["K3"], actor=world.users["agent"])
    client = client_for(world.users["agent"])
    with time_machine.travel(at(3, 30, 9), tick=False):
        page = client.get("/improvements/followups/")
        assert f'id="fu-{world.cases["K3"].pk}"' in page.content.decode()
        response = client.post(
            "/improvements/followups/",
            {
                "case": str(world.cases["K3"].pk),
                "outcome": "answered",
                "rating": "3",
                "resolved": "true",
                "comment": "还行",
            },
        )
        after = client.get("/improvements/followups/")

    assert response.status_code == 302
    followup = FollowUp.objects.get(case=world.cases["K3"])
    assert (followup.status, followup.rating, followup.resolved, followup.method) == (
        "done",
        3,
        True,
        "phone",
    )
    assert f'id="fu-{world.cases["K3"].pk}"' not in after.content.decode()  # no longer due


def test_given_an_answered_call_without_a_rating_when_posted_then_the_message_and_nothing_changes(world):
    from returndesk.cases import services

    with time_machine.travel(at(3, 23, 9), tick=False):
        services.case_close(case=world.cases["K3"], actor=world.users["agent"])
    with time_machine.travel(at(3, 30, 9), tick=False):
        response = client_for(world.users["agent"]).post(
            "/improvements/followups/",
            {"case": str(world.cases["K3"].pk), "outcome": "answered", "resolved": "true"},
        )

    assert response.status_code == 200
    assert FollowUp.objects.get(case=world.cases["K3"]).status == "due"
