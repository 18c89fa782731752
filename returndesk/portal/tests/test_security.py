"""A customer can never see or guess another customer's case (issue 9): every portal page, for an
anonymous visitor (→ the portal sign-in), another customer's session (→ 404, as for a case that
does not exist), a guest who opened another order of the same customer (→ 404), and staff (→ a
page pointing to the desk, 403). Links carry random UUIDs, never case numbers or sequences."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from returndesk.cases import services as cs
from returndesk.cases.models import Attachment, CaseEvent
from returndesk.portal.access import GRANT_KEY
from returndesk.portal.services.access import GuestGrant, _guest_user

from .helpers import PNG, make_shop_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(consumer_user, shop_order):
    laptop = shop_order.lines.order_by("position").first()
    case = cs.case_create(
        actor=consumer_user, customer=shop_order.customer, type="return_refund", channel="web",
        lines=[{"order_line": laptop, "quantity": 1, "reason": "C01"}],
    )  # fmt: skip
    cs.attachment_add(case=case, actor=consumer_user, content=PNG, original_name="a.png")
    case.refresh_from_db()
    return case


def case_pages(case):
    """(method, url, data) of every page about one case."""
    file_id = case.attachments.get().id
    version = {"version": case.version}
    return [
        ("get", reverse("portal:case", args=[case.id]), {}),
        ("get", reverse("portal:case_file", args=[case.id, file_id]), {}),
        ("post", reverse("portal:case_message", args=[case.id]), {"text": "hello"}),
        ("post", reverse("portal:case_files", args=[case.id]), {"files": [SimpleUploadedFile("b.png", PNG)]}),
        ("post", reverse("portal:case_survey", args=[case.id]), {"rating": "1", "resolved": "no"}),
        *[
            (
                "post",
                reverse("portal:case_action", args=[case.id, action]),
                {**version, "reason": "x", "note": "", "carrier": "SF", "tracking_number": "SF123456789012"},
            )
            for action in ("confirm_solution", "decline_solution", "ship_back", "cancel", "appeal")
        ],
    ]


def account_pages():
    return [
        ("get", reverse("portal:home"), {}),
        ("get", reverse("portal:orders"), {}),
        ("get", reverse("portal:cases"), {}),
        ("get", reverse("portal:request"), {}),
        ("post", reverse("portal:preview"), {}),
        ("get", reverse("portal:request_csv"), {}),
    ]


def call(client, method, url, data):
    return getattr(client, method)(url, data)


def unchanged(case):
    fresh = type(case).objects.get(id=case.id)
    return (
        fresh.status,
        fresh.version,
        CaseEvent.objects.filter(case=case).count(),
        Attachment.objects.count(),
    )


def test_given_no_sign_in_when_opening_any_portal_page_then_it_sends_to_the_portal_sign_in(case):
    before = unchanged(case)
    for method, url, data in case_pages(case) + account_pages():
        response = call(Client(), method, url, data)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('portal:login')}?next={quote(url, safe='/')}", url
    assert unchanged(case) == before


def test_given_another_customers_session_when_opening_any_page_of_the_case_then_it_is_not_found(
    case, other_client
):
    before = unchanged(case)
    for method, url, data in case_pages(case):
        assert call(other_client, method, url, data).status_code == 404, url
    assert unchanged(case) == before
    assert case.number not in other_client.get(reverse("portal:cases")).content.decode()
    assert case.number not in other_client.get(reverse("portal:home")).content.decode()


def test_given_a_guest_of_another_order_of_the_same_customer_when_opening_the_case_then_it_is_not_found(
    case, consumer
):
    other_order = make_shop_order(consumer)
    guest = Client()
    session = guest.session
    grant = GuestGrant(user=_guest_user(consumer), customer=consumer, order=other_order, contact="")
    from django.utils import timezone

    session[GRANT_KEY] = {
        "user": str(grant.user.pk), "customer": str(consumer.pk), "order": str(other_order.pk),
        "until": (timezone.now() + timezone.timedelta(hours=1)).isoformat(),
    }  # fmt: skip
    session.save()
    assert guest.get(reverse("portal:home")).status_code == 200
    before = unchanged(case)
    for method, url, data in case_pages(case):
        assert call(guest, method, url, data).status_code == 404, url
    assert unchanged(case) == before
    # …and cannot ask about lines of the customer's other orders either
    laptop = case.lines.get().order_line
    response = guest.post(
        reverse("portal:preview"),
        {"order": str(laptop.order_id), f"qty-{laptop.id}": "1", "reason": "C01", "type": "return_refund"},
    )
    assert response.status_code == 404
    assert guest.get(reverse("portal:request_csv")).status_code == 404  # registered distributors only


def test_given_an_expired_guest_grant_when_opening_a_page_then_it_sends_to_the_sign_in(case, consumer):
    from django.utils import timezone

    guest = Client()
    session = guest.session
    user = _guest_user(consumer)
    session[GRANT_KEY] = {
        "user": str(user.pk), "customer": str(consumer.pk), "order": str(case.lines.get().order_line.order_id),
        "until": (timezone.now() - timezone.timedelta(seconds=1)).isoformat(),
    }  # fmt: skip
    session.save()
    assert guest.get(reverse("portal:case", args=[case.id])).status_code == 302


def test_given_a_staff_sign_in_when_opening_the_portal_then_it_points_to_the_desk(case, agent):
    client = Client()
    client.force_login(agent)
    for method, url, data in account_pages()[:3] + case_pages(case)[:1]:
        response = call(client, method, url, data)
        assert response.status_code == 403, url
    assert unchanged(case)[0] == "submitted"


def test_given_a_consumer_when_opening_the_distributor_csv_page_then_it_is_not_found(customer_client):
    assert customer_client.get(reverse("portal:request_csv")).status_code == 404


def test_given_case_links_when_listed_then_they_are_random_uuids_not_numbers(customer_client, case):
    html = customer_client.get(reverse("portal:cases")).content.decode()
    assert f'href="/portal/cases/{case.id}/"' in html
    assert case.id.version == 4
    assert reverse("portal:case", args=[case.id]).count(case.number) == 0


def test_given_the_case_number_alone_when_used_as_a_link_then_nothing_is_found(customer_client, case):
    assert customer_client.get(f"/portal/cases/{case.number}/").status_code == 404
