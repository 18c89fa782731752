"""Staff pages. Each view parses the request, calls one selector or service and renders; the
rules (who sees what, which actions are open) live in the cases selectors, services and workflow."""

from .case import (
    attachment_file,
    case_action,
    case_assign,
    case_detail,
    case_note,
    case_override,
    case_priority,
    case_upload,
    case_waive,
)
from .departments import approvals, qc, qc_case, receiving, receiving_case, receiving_dispose, receiving_extra
from .documents import petition_pdf, request_form_pdf
from .finance import export_create, export_csv, finance, refund_attend, refund_confirm, refund_fail
from .intake import intake, intake_customers, intake_preview
from .pages import case_list, healthz, home, saved_view_delete, saved_view_save, workflow
from .replies import reply_edit, reply_list

__all__ = [
    "approvals",
    "attachment_file",
    "case_action",
    "case_assign",
    "case_detail",
    "case_list",
    "case_note",
    "case_override",
    "case_priority",
    "case_upload",
    "case_waive",
    "export_create",
    "export_csv",
    "finance",
    "healthz",
    "home",
    "intake",
    "intake_customers",
    "intake_preview",
    "petition_pdf",
    "qc",
    "qc_case",
    "receiving",
    "receiving_case",
    "receiving_dispose",
    "receiving_extra",
    "refund_attend",
    "refund_confirm",
    "refund_fail",
    "reply_edit",
    "reply_list",
    "request_form_pdf",
    "saved_view_delete",
    "saved_view_save",
    "workflow",
]  # fmt: skip
