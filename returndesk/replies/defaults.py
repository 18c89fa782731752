"""The default reply templates: the six stages of the seed's customer-service script (S5
淘宝退货话术模板), in its words, with the case's variables woven in, plus two practical variants
(return address and deadline; a progress update). Loaded by migration 0002 as editable rows."""

DEFAULTS: tuple[dict, ...] = (
    {
        "stage": "greeting",
        "title": "问候致歉",
        "title_en": "Greeting and apology",
        "body": "尊敬的{customer_name},您好!非常抱歉给您带来了不愉快的购物体验。为了能够更好地为您解决问题,"
        "我们将竭尽全力协助您完成退货流程。希望我们的服务可以让您满意,感谢您的配合和理解。",
        "body_en": "Dear {customer_name}, we are very sorry that your purchase did not go as it should. "
        "To solve the problem for you, we will do all we can to help you through the return. We hope our "
        "service will satisfy you, and thank you for your cooperation and understanding.",
    },
    {
        "stage": "ask_reason",
        "title": "询问退货原因",
        "title_en": "Ask the reason for the return",
        "body": "在进行退货之前,我们首要了解您退货的原因,以便我们能更好地处理此事。在此欢迎您向我们详细描述一下"
        "退货的原因,我们将竭力协助解决您的问题。",
        "body_en": "Before the return goes ahead we would first like to understand why you are returning "
        "the goods, so that we can handle it well. Please describe the reason in detail; we will do our "
        "best to solve your problem.",
    },
    {
        "stage": "explain_process",
        "title": "告知退货流程",
        "title_en": "Explain the return process",
        "body": "在您退货之前,请您首先核实所购物品是否符合退货要求,然后联系我们客服人员进行进一步处理。我们将会根据"
        "您的情况,为您提供符合退货政策的具体操作指引,希望您可以按照指引的步骤完成退货流程。同时,我们会在您退货"
        "申请通过后,及时为您处理退款事宜,希望可以为您提供满意的服务。",
        "body_en": "Before you return the goods, please first check that they meet the return conditions, "
        "then contact our customer service for the next steps. We will give you instructions that fit "
        "our return policy and your situation; please follow them step by step. Once your return is "
        "approved we will process your refund promptly.",
    },
    {
        "stage": "explain_process",
        "title": "退货地址与时限",
        "title_en": "Return address and deadline",
        "body": "您的售后工单 {case_number} 已审核通过。请在 {deadline} 前将商品寄回:{return_address}。"
        "商品须完好,包装、配件、说明书、保修卡齐全;寄出后请保留快递凭证,并告诉我们快递单号。",
        "body_en": "Your after-sales case {case_number} has been approved. Please send the goods back by "
        "{deadline} to: {return_address}. The goods must be undamaged, with packaging, accessories, "
        "manual and warranty card; keep the shipping receipt and tell us the tracking number.",
    },
    {
        "stage": "respect_view",
        "title": "尊重客户意见",
        "title_en": "Respect the customer's view",
        "body": "在您告知退货原因后,我们将尊重您的意见,认真对待您的问题,并为您提供解决问题的方法。我们欢迎您随时"
        "与我们保持联系,提出宝贵的意见和建议,我们会认真倾听并加以改进。",
        "body_en": "Now that you have told us the reason, we respect your view, take your problem "
        "seriously and will offer you a way to solve it. You are welcome to contact us at any time with "
        "your comments and suggestions; we will listen carefully and improve.",
    },
    {
        "stage": "confirm_progress",
        "title": "确认退货进度",
        "title_en": "Confirm the return's progress",
        "body": "在您完成了退货流程后,请您随时保持联系,并告知您的退货进度。我们会第一时间为您查询退货进度,并为您"
        "提供详尽的退货信息和帮助。我们真诚地希望能够为您解决问题,让您满意而归。",
        "body_en": "Once you have completed the return, please stay in touch and let us know how it is "
        "going. We will check the progress for you straight away and give you full information and help. "
        "We sincerely hope to solve your problem to your satisfaction.",
    },
    {
        "stage": "confirm_progress",
        "title": "工单进度通知",
        "title_en": "Progress update",
        "body": "您好,您的售后工单 {case_number} 目前的状态是「{status}」。我们会持续跟进,如有任何疑问请随时联系我们。",
        "body_en": "Hello, your after-sales case {case_number} is now '{status}'. We keep following it; "
        "contact us at any time if you have a question.",
    },
    {
        "stage": "thanks",
        "title": "致谢",
        "title_en": "Thanks",
        "body": "在您完成了退货流程后,我们想要向您致以最诚挚的感谢。感谢您对我们的信任和支持,感谢您的配合和理解。"
        "我们会竭力为您提供更好的服务,也期待能够在未来的日子里,为您带来更多的惊喜和满意。祝您生活愉快,一切顺利!",
        "body_en": "Now that the return is complete, we want to thank you most sincerely: for your trust and "
        "support, and for your cooperation and understanding. We will keep working to serve you better "
        "and look forward to pleasing you again. We wish you all the best!",
    },
)
