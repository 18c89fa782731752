"""The variables a reply template may use, with what each is filled with. The desk computes
their values for a case (desk.selectors.reply_values); unknown names are refused on save."""

import re

VARIABLES: dict[str, tuple[str, str]] = {
    "customer_name": ("客户称呼", "how the customer is addressed"),
    "case_number": ("工单号", "case number"),
    "status": ("工单当前状态", "the case's current status"),
    "deadline": (
        "客户当前须完成操作的截止时间(确认方案或寄回)",
        "the customer's current deadline (confirm or ship)",
    ),
    "return_address": ("退货收件地址", "the return address"),
    "tracking_number": ("退货运单号", "return tracking number"),
    "refund_amount": ("退款金额", "refund amount"),
    "agent_name": ("客服姓名", "the agent's name"),
    "company": ("公司名称", "company name"),
}

PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def used(text: str) -> list[str]:
    """Variable names in `text`, in order of first use."""
    return list(dict.fromkeys(PATTERN.findall(text or "")))


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each known variable replaced; a variable without a value stays visible as
    written, so the agent sees what to complete by hand."""

    def one(match: re.Match) -> str:
        value = values.get(match.group(1))
        return str(value) if value not in (None, "") else match.group(0)

    return PATTERN.sub(one, text or "")
