"""The request (issue 9): lines and quantities with the maximum returnable shown, a leaf reason,
a description, photos or videos typed by content; the policy preview before submitting; and the
case number with the confirmation to the customer after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returndesk.cases.models import Attachment, Case, CaseEvent
from returndesk.notifications.models import OutboxMessage
from returndesk.notifications.services import outbox_deliver_due
from returndesk.orders.models import OrderLine

from .helpers import make_shop_order

pytestmark = pytest.mark.django_db
REQUEST, PREVIEW = reverse("portal:request"), reverse("portal:preview")


def lines_of(order):
    laptop, mouse = order.lines.order_by("position")
    return laptop, mouse


def form(order, *, laptop_qty=1, mouse_qty=0, reason="C01", type="return_refund", **extra):
    laptop, mouse = lines_of(order)
    return {
        "order": str(order.id), f"qty-{laptop.id}": str(laptop_qty), f"qty-{mouse.id}": str(mouse_qty),
        "type": type, "reason": reason, "description": "不想要了", **extra,
    }  # fmt: skip


def test_given_an_order_when_opening_the_form_then_each_line_shows_what_can_still_be_returned(
    customer_client, shop_order
):
    response = customer_client.get(REQUEST, {"order": shop_order.id})
    assert response.status_code == 200
    html = response.content.decode()
    laptop, mouse = lines_of(shop_order)
    assert f'name="qty-{laptop.id}" id="qty-{laptop.id}" value="0"' in html
    assert f'max="2" step="1" name="qty-{laptop.id}"' in html
    assert f'max="1" step="1" name="qty-{mouse.id}"' in html
    assert 'accept="image/*,video/*" capture="environment" multiple' in html
    assert '<option value="C01">' in html  # a leaf reason
    assert '<optgroup label="' in html


def test_given_a_no_reason_return_with_a_photo_when_submitted_then_the_case_opens_with_the_photo_and_a_confirmation(
    customer_client, consumer_user, shop_order, png, smtp
):
    photo = SimpleUploadedFile("划痕.png", png, content_type="image/png")

    response = customer_client.post(REQUEST, {**form(shop_order), "files": [photo]})

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:case", args=[case.id])
    assert (case.type, case.channel, case.customer_id, case.created_by_id) == (
        "return_refund",
        "web",
        shop_order.customer_id,
        consumer_user.id,
    )
    (line,) = case.lines.all()
    assert (line.order_line_id, line.quantity, line.reason.code) == (lines_of(shop_order)[0].id, 1, "C01")
    assert case.policy_decision["rules"][0] == "no_reason.statutory"
    (attachment,) = case.attachments.all()
    assert (attachment.kind, attachment.content_type, attachment.original_name) == (
        "image",
        "image/png",
        "划痕.png",
    )
    page = customer_client.get(response["Location"])
    assert case.number in page.content.decode()  # "Your case number is RT-…"
    # the confirmation: the case's own `created` notification, to the customer
    assert OutboxMessage.objects.filter(topic="case.customer_update").count() == 1
    outbox_deliver_due()
    (mail,) = smtp.inbox.messages
    assert mail["To"] == "zhangsan@example.com"
    assert case.number in str(mail["Subject"])


def test_given_a_file_that_is_not_a_photo_or_video_when_submitted_then_no_case_and_no_file_is_left(
    customer_client, shop_order
):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", content_type="image/jpeg")
    before = OrderLine.objects.get(id=lines_of(shop_order)[0].id).quantity_held

    response = customer_client.post(REQUEST, {**form(shop_order), "files": [fake]})

    assert response.status_code == 422
    assert "不支持的文件类型" in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert OrderLine.objects.get(id=lines_of(shop_order)[0].id).quantity_held == before
    assert OutboxMessage.objects.count() == 0


def test_given_a_second_photo_refused_when_submitted_then_the_first_stored_file_is_removed_too(
    customer_client, shop_order, png, settings
):
    import os

    settings.RETURNDESK_ATTACHMENT_LIMITS = {**settings.RETURNDESK_ATTACHMENT_LIMITS, "image": len(png) + 10}
    big = png + b"\x00" * 100
    files = [SimpleUploadedFile("a.png", png), SimpleUploadedFile("b.png", big)]
    before = set(_media_files(settings.MEDIA_ROOT))

    response = customer_client.post(REQUEST, {**form(shop_order), "files": files})

    assert response.status_code == 422
    assert "文件过大" in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert set(_media_files(settings.MEDIA_ROOT)) == before
    assert os.path.isdir(settings.MEDIA_ROOT)


def _media_files(root):
    import os

    for folder, _dirs, names in os.walk(root):
        for name in names:
            yield os.path.join(folder, name)


def test_given_more_than_returnable_when_submitted_then_it_is_refused_and_nothing_is_held(
    customer_client, shop_order
):
    response = customer_client.post(REQUEST, form(shop_order, laptop_qty=3))
    assert response.status_code == 409
    assert "可退数量为 2,申请了 3" in response.content.decode()
    assert Case.objects.count() == 0
    assert OrderLine.objects.get(id=lines_of(shop_order)[0].id).quantity_held == 0


def test_given_no_item_chosen_when_submitted_then_it_asks_for_one(customer_client, shop_order):
    response = customer_client.post(REQUEST, form(shop_order, laptop_qty=0))
    assert response.status_code == 422
    assert "请至少选择一件商品" in response.content.decode()
    assert Case.objects.count() == 0


def test_given_a_reason_group_when_submitted_then_a_specific_reason_is_asked_for(customer_client, shop_order):
    response = customer_client.post(REQUEST, form(shop_order, reason="Q"))
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_given_an_expired_no_reason_window_when_previewing_then_it_is_refused_with_the_rule(
    customer_client, consumer
):
    old = make_shop_order(consumer, days_ago=20)
    response = customer_client.post(PREVIEW, form(old))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="verdict verdict-no"' in html
    assert old.lines.order_by("position").first().product.name in html
    assert Case.objects.count() == 0


def test_given_a_no_reason_return_when_previewing_then_it_explains_shipping_fees_and_the_7_day_path(
    customer_client, shop_order
):
    html = customer_client.post(PREVIEW, form(shop_order)).content.decode()
    assert 'class="verdict verdict-ok"' in html
    assert "七天" in html or "7" in html
    assert "<details open>" in html  # the no-reason path is opened for a customer's-own reason
    assert Case.objects.count() == 0


def test_given_a_quality_reason_when_previewing_then_the_quality_path_and_the_photo_request_show(
    customer_client, shop_order
):
    response = customer_client.post(PREVIEW, form(shop_order, reason="Q01"))
    preview = response.context["preview"]
    assert preview.decision.eligible and preview.decision.evidence_required
    assert preview.decision.shipping_payer == "merchant"
    assert preview.quality and not preview.no_reason


def test_given_nothing_chosen_when_previewing_then_it_says_what_to_choose(customer_client, shop_order):
    response = customer_client.post(PREVIEW, form(shop_order, laptop_qty=0))
    assert response.context["empty"] is True and response.context["preview"] is None


def test_given_another_customers_order_when_opening_the_form_then_it_is_not_found(other_client, shop_order):
    assert other_client.get(REQUEST, {"order": shop_order.id}).status_code == 404
    assert other_client.post(PREVIEW, form(shop_order)).status_code == 404
    assert other_client.post(REQUEST, form(shop_order)).status_code == 404
    assert Case.objects.count() == 0


def test_given_a_case_when_submitted_then_the_claimed_value_is_the_paid_price(customer_client, shop_order):
    customer_client.post(REQUEST, form(shop_order, laptop_qty=2, mouse_qty=1))
    case = Case.objects.get()
    assert case.claimed_amount == Decimal("10097.00")
    assert case.lines.count() == 2
