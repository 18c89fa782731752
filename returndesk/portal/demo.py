"""The portal in the demo (BRIEF demo rule): the demo's `customer` (张伟) and `distributor`
(成都蓉信数码贸易有限公司) sign in at /portal/ with the demo password; anyone can find 张伟's newest
order by its number and email, the one-time code arriving in var/mail/ (no SMTP server is set in
the demo). Nothing is written: the demo builder already made their orders and cases through the
real services; this only prints where to start."""

from __future__ import annotations

from django.db.models import F

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.orders.models import Order


def portal_demo_hints(say) -> None:
    user = User.objects.filter(username="customer", role=Role.CUSTOMER).select_related("customer").first()
    say("客户门户 / customer portal: /portal/ (customer、distributor 登录 / sign in)")
    if user is None:
        return
    order = (
        Order.objects.filter(
            customer=user.customer,
            lines__quantity_shipped__gt=F("lines__quantity_returned") + F("lines__quantity_held"),
        )
        .order_by("-placed_at")
        .first()
    )
    if order is not None:
        say(
            f"  按订单查找 / find an order: {order.number} + {order.contact_email or order.contact_phone}"
            " (验证码邮件在 var/mail/ / the code's email is in var/mail/)"
        )
