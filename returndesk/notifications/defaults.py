"""Default message templates, built from the stages of the customer-service script (seed S5
淘宝退货话术模板: greeting, asking the reason, explaining the process, respecting the customer's
view, confirming progress, thanks). The migration loads them as editable rows; they are also the
fallback when no row fits. Variables: docs/operations.md ("Message templates")."""

from __future__ import annotations

from dataclasses import dataclass

STAGE_TEXT = {
    "greeting": (
        "非常抱歉给您带来了不愉快的购物体验。为了能够更好地为您解决问题,我们将竭尽全力协助您完成售后流程。"
        "希望我们的服务可以让您满意,感谢您的配合和理解。",
        "We are very sorry that your purchase did not go as it should. We will do all we can to help you "
        "through the after-sales process, and we thank you for your patience and understanding.",
    ),
    "ask_reason": (
        "为了更好地处理此事,我们需要了解您申请售后的原因。如需补充,欢迎回复本邮件详细描述,我们将竭力协助解决您的问题。",
        "To handle this well we need to understand the reason for your request. If you can add anything, "
        "reply to this message with the details and we will do our best to solve the problem.",
    ),
    "explain_process": (
        "请您首先核实所购物品是否符合退货要求(商品完好,包装、配件、说明书、保修卡齐全),然后按照以下方案完成退货。"
        "我们会在收到并检验退货后,及时为您处理退款事宜。",
        "Please first check that the goods meet the return conditions (undamaged, with packaging, "
        "accessories, manual and warranty card), then return them as described below. Once we have received "
        "and checked them we will process your refund promptly.",
    ),
    "respect_view": (
        "我们尊重您的意见,并认真对待您的问题。如您对处理结果有异议,欢迎随时与我们联系或提出申诉,我们会认真倾听并加以改进。",
        "We respect your view and take your concern seriously. If you disagree with the outcome, contact "
        "us or appeal at any time; we will listen carefully and improve.",
    ),
    "confirm_progress": (
        "我们会持续跟进您的售后进度。如有任何疑问,请随时与我们联系,我们会第一时间为您查询并提供帮助。",
        "We keep following your case. If you have any question, contact us at any time and we will look "
        "into it for you straight away.",
    ),
    "thanks": (
        "感谢您对我们的信任和支持,感谢您的配合和理解。我们会竭力为您提供更好的服务,期待在未来为您带来更多的满意。",
        "Thank you for your trust and support, and for your cooperation and understanding. We will keep "
        "working to serve you better.",
    ),
}

# Which script stage opens the message of each customer-visible case event.
EVENT_STAGES = {
    "created": ("greeting", "ask_reason"),
    "approve": ("explain_process",),
    "confirm_solution": ("confirm_progress",),
    "receive": ("confirm_progress",),
    "inspect": ("confirm_progress",),
    "pickup_booked": ("confirm_progress",),
    "ship_replacement": ("confirm_progress",),
    "finish_repair": ("confirm_progress",),
    "answer": ("confirm_progress",),
    "schedule_visit": ("confirm_progress",),
    "record_inspection": ("confirm_progress",),
    "overturn_rejection": ("confirm_progress",),
    "reopen": ("confirm_progress",),
    "reject": ("respect_view",),
    "gm_reject": ("respect_view",),
    "uphold_rejection": ("respect_view",),
    "refund": ("thanks",),
    "auto_refund": ("thanks",),
    "close": ("thanks",),
    "cancel": ("thanks",),
    "expire": ("respect_view",),
    "*": ("confirm_progress",),
}

# The customer's deadline for this step, said when the case waits for them (sla deadlines).
DEADLINE_LINES = {
    "approve": (
        "请于 {{ deadline }} 前确认方案,逾期未确认工单将自动关闭。",
        "Please confirm the solution by {{ deadline }}; otherwise the case closes automatically.",
    ),
    "confirm_solution": (
        "请于 {{ deadline }} 前寄回商品并填写运单号,逾期未寄回工单将自动关闭。",
        "Please ship the goods and enter the tracking number by {{ deadline }}; otherwise the case "
        "closes automatically.",
    ),
}

CUSTOMER_SUBJECT = (
    "【{{ case_number }}】您的售后工单状态:{{ status }}",
    "[{{ case_number }}] Your after-sales case is now: {{ status }}",
)
SMS_BODY = (
    "【售后服务】您的工单{{ case_number }}已更新,当前状态:{{ status }}。{% if deadline %}请于{{ deadline }}前处理。{% endif %}",
    "After-sales: case {{ case_number }} is now {{ status }}.{% if deadline %} Please act by {{ deadline }}.{% endif %}",
)

STAFF = {
    "sla_warning": (
        "【{{ case_number }}】服务时效预警:{{ target }}",
        "工单 {{ case_number }}({{ customer }})的{{ target }}时限已用去 {{ warning_percent }}%,"
        "将于 {{ due_at }} 到期。请尽快处理。",
        "[{{ case_number }}] SLA warning: {{ target }}",
        "{{ warning_percent }}% of the {{ target }} time of case {{ case_number }} ({{ customer }}) is used; "
        "it is due at {{ due_at }}. Please act now.",
    ),
    "sla_breached": (
        "【{{ case_number }}】服务时效超时:{{ target }}",
        "工单 {{ case_number }}({{ customer }})的{{ target }}已于 {{ due_at }} 超时,现升级至客服主管。"
        "{% if reassigned %}已按升级规则重新分派。{% endif %}",
        "[{{ case_number }}] SLA breached: {{ target }}",
        "The {{ target }} of case {{ case_number }} ({{ customer }}) was due at {{ due_at }} and is late; it is "
        "escalated to the service supervisors.{% if reassigned %} It was re-assigned by an escalation rule.{% endif %}",
    ),
    "flagged": (
        "【{{ case_number }}】仓库超时未确认收货",
        "承运商已于 {{ delivered_at }} 签收工单 {{ case_number }} 的退货,仓库未在期限({{ due_at }})内确认实收数量。"
        "请仓库尽快确认。",
        "[{{ case_number }}] Receipt not confirmed in time",
        "The carrier delivered the return of case {{ case_number }} at {{ delivered_at }}; the warehouse did not "
        "confirm the quantities received by {{ due_at }}. Please confirm them now.",
    ),
    "refund_deadline_alarm": (
        "【{{ case_number }}】法定退款期限将至",
        "工单 {{ case_number }} 的退货已于 {{ received_at }} 收到。依《消费者权益保护法》第二十五条,"
        "应于 {{ due_at }} 前退款。请财务尽快处理。",
        "[{{ case_number }}] Legal refund deadline near",
        "The return of case {{ case_number }} was received at {{ received_at }}. Under article 25 of the "
        "Consumer Rights Protection Law the refund is due by {{ due_at }}. Finance, please refund now.",
    ),
}


@dataclass(frozen=True)
class DefaultTemplate:
    event: str
    language: str
    channel: str
    stage: str
    subject: str
    body: str


def _customer_body(event: str, english: bool) -> str:
    i = 1 if english else 0
    stages = "\n\n".join(STAGE_TEXT[s][i] for s in EVENT_STAGES[event])
    deadline = DEADLINE_LINES.get(event)
    deadline_line = f"{{% if deadline %}}{deadline[i]}\n{{% endif %}}" if deadline else ""
    if english:
        return (
            f"Dear {{{{ name }}}},\n\n{stages}\n\n"
            "Your case {{ case_number }} has been updated: {{ status }}.\n"
            f"{{% if details %}}{{{{ details }}}}\n{{% endif %}}{deadline_line}\nReturnDesk after-sales service\n"
        )
    return (
        f"尊敬的{{{{ name }}}}:\n\n{'您好!' if event == 'created' else ''}{stages}\n\n"
        "您的售后工单 {{ case_number }} 已更新,当前状态:{{ status }}。\n"
        f"{{% if details %}}{{{{ details }}}}\n{{% endif %}}{deadline_line}\n售后服务中心\n"
    )


def default_templates() -> list[DefaultTemplate]:
    rows = []
    for event, stages in EVENT_STAGES.items():
        for language, english in (("zh-hans", False), ("en", True)):
            subject = CUSTOMER_SUBJECT[1 if english else 0]
            rows.append(
                DefaultTemplate(event, language, "email", stages[0], subject, _customer_body(event, english))
            )
    rows.append(DefaultTemplate("*", "zh-hans", "sms", "confirm_progress", "", SMS_BODY[0]))
    rows.append(DefaultTemplate("*", "en", "sms", "confirm_progress", "", SMS_BODY[1]))
    for event, (zh_subject, zh_body, en_subject, en_body) in STAFF.items():
        rows.append(DefaultTemplate(event, "zh-hans", "email", "internal", zh_subject, zh_body))
        rows.append(DefaultTemplate(event, "en", "email", "internal", en_subject, en_body))
    return rows
