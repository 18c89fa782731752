"""The portal sign-in of registered customers and distributors (Django auth, existing users),
locked out after repeated failures like the order lookup; staff are sent to the desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.portal.models import Attempt

pytestmark = pytest.mark.django_db
LOGIN, HOME = reverse("portal:login"), reverse("portal:home")


def sign_in(client, username, password="x", next=""):
    data = {"username": username, "password": password}
    if next:
        data["next"] = next
    return client.post(LOGIN, data)


def test_given_a_customer_account_when_signing_in_then_the_portal_home_opens(consumer_user):
    client = Client()
    response = sign_in(client, "zhangsan")
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(LOGIN)["Location"] == HOME  # already signed in


def test_given_a_next_page_when_signing_in_then_it_returns_there(distributor_user):
    client = Client()
    assert sign_in(client, "dealer", next="/portal/orders/")["Location"] == "/portal/orders/"


def test_given_a_staff_account_when_signing_in_at_the_portal_then_it_is_refused(agent):
    response = sign_in(Client(), "agent")
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "此登录入口供客户和经销商使用。员工请在服务台登录。"
    ]


def test_given_a_wrong_password_when_signing_in_then_it_fails_and_counts(consumer_user):
    response = sign_in(Client(), "zhangsan", "wrong")
    assert response.status_code == 422
    assert Attempt.objects.filter(kind="login_user").count() == 1


def test_given_five_failures_for_a_username_when_the_right_password_follows_then_it_is_locked_out(
    consumer_user,
):
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"10.3.0.{n}"), "zhangsan", "wrong")
    response = sign_in(Client(REMOTE_ADDR="10.3.0.99"), "zhangsan")
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert sign_in(Client(), "zhangsan").status_code == 302


def test_given_a_signed_in_customer_when_signing_out_then_the_portal_asks_to_sign_in_again(customer_client):
    assert customer_client.post(reverse("portal:logout"))["Location"] == LOGIN
    assert customer_client.get(HOME).status_code == 302


def test_given_a_guest_user_when_signing_in_with_a_form_then_it_cannot(shop_order):
    from returndesk.portal.services.access import _guest_user

    guest = _guest_user(shop_order.customer)
    assert not User.objects.get(id=guest.id).has_usable_password()
    assert sign_in(Client(), guest.username, "").status_code == 422
