"""Root cause (生产确认原因, seed S2): after inspection production/QC record whether it is our
product, the stage, the responsible department, the batch/lot and the analysis; a quality return
cannot be refunded before that."""

from __future__ import annotations

import pytest

from returndesk.cases import services
from returndesk.cases.models import CaseCause, Status
from returndesk.cases.tests.helpers import refused
from returndesk.inspection.tests.helpers import units_payload

from .goods import case_lines, shipped_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspected_quality_return(consumer, consumer_user, agent, warehouse):
    case = shipped_case(
        consumer, agent=agent, customer_actor=consumer_user, lines=[(2, 2, (), ())], reason="Q01"
    )
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 2})
    services.case_inspect(case=case, actor=warehouse, units=units_payload(case, grade="D"))
    return case


def test_given_an_inspected_quality_return_when_finance_refunds_first_then_refused_until_qc_names_the_cause(
    inspected_quality_return, qc, finance
):
    case = inspected_quality_return
    with refused("case.guard.cause_confirmed_if_required", case=case):
        services.case_refund(case=case, actor=finance, reference="CN-1")

    services.case_confirm_cause(
        case=case, actor=qc, is_our_product=True, stage="material", responsible_department="采购部",
        responsible_person="刘洋", batch_lot="LOT-2603-A", handling="向供应商索赔,来料全检",
        description="电源管理芯片来料批次不良",
    )  # fmt: skip

    cause = CaseCause.objects.get(case=case)
    assert (cause.is_our_product, cause.stage, cause.responsible_department, cause.batch_lot, cause.description) == (
        True, "material", "采购部", "LOT-2603-A", "电源管理芯片来料批次不良",
    )  # fmt: skip
    assert case.events.get(type="confirm_cause").data["batch_lot"] == "LOT-2603-A"
    services.case_refund(case=case, actor=finance, reference="CN-1")
    assert case.status == Status.REFUNDED


def test_given_a_received_case_not_yet_inspected_when_qc_confirms_the_cause_then_refused_as_too_early(
    consumer, consumer_user, agent, warehouse, qc
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())])
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 1})

    with refused("case.action_not_allowed_now", case=case):
        services.case_confirm_cause(case=case, actor=qc, is_our_product=False, stage="customer_use",
                                    responsible_department="客户", handling="不予退货")  # fmt: skip
    assert CaseCause.objects.count() == 0
