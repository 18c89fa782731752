"""Every write of the cases domain. Interfaces (API, pages, commands, tasks) call only these."""

from .actions import (
    case_answer,
    case_appeal,
    case_approve,
    case_cancel,
    case_close,
    case_confirm_cause,
    case_confirm_solution,
    case_decline_solution,
    case_finish_repair,
    case_gm_approve,
    case_gm_reject,
    case_overturn_rejection,
    case_receive,
    case_record_inspection,
    case_refund,
    case_reject,
    case_reopen,
    case_schedule_visit,
    case_ship_back,
    case_ship_replacement,
    case_start_repair,
    case_uphold_rejection,
)
from .attachments import attachment_add
from .automation import case_fire_deadline, case_record_carrier_delivery, case_sla_alert
from .creation import case_create
from .feedback import case_followup_call, case_survey_submit
from .housekeeping import case_add_note, case_assign, case_set_priority
from .policy import case_policy_override, case_waive_evidence
from .transitions import case_transition

__all__ = [
    "attachment_add",
    "case_add_note",
    "case_answer",
    "case_appeal",
    "case_approve",
    "case_assign",
    "case_cancel",
    "case_close",
    "case_confirm_cause",
    "case_confirm_solution",
    "case_create",
    "case_decline_solution",
    "case_finish_repair",
    "case_fire_deadline",
    "case_followup_call",
    "case_gm_approve",
    "case_gm_reject",
    "case_overturn_rejection",
    "case_policy_override",
    "case_receive",
    "case_record_carrier_delivery",
    "case_record_inspection",
    "case_refund",
    "case_reject",
    "case_reopen",
    "case_schedule_visit",
    "case_set_priority",
    "case_ship_back",
    "case_ship_replacement",
    "case_sla_alert",
    "case_start_repair",
    "case_survey_submit",
    "case_transition",
    "case_uphold_rejection",
    "case_waive_evidence",
]
