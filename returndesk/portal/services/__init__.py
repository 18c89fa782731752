"""Every write of the portal. Case writes are the cases services; these add the portal's own:
access codes, rate limits, guest sign-ins, and atomic requests with files or from a CSV file."""

from .access import (
    portal_code_prune,
    portal_code_request,
    portal_code_verify,
    portal_login_begin,
    portal_login_succeeded,
)
from .requests import portal_files_add, portal_return_csv_submit, portal_return_submit
from .throttle import attempts_prune

__all__ = [
    "attempts_prune",
    "portal_code_prune",
    "portal_code_request",
    "portal_code_verify",
    "portal_files_add",
    "portal_login_begin",
    "portal_login_succeeded",
    "portal_return_csv_submit",
    "portal_return_submit",
]
