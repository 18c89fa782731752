"""Authentication: tokens, the browser session with CSRF, and the 401 answers."""

import pytest
from django.test import Client

from returndesk.accounts.models import ApiToken
from returndesk.accounts.roles import Role
from returndesk.accounts.services import api_token_create, api_token_revoke
from returndesk.catalog.models import Customer
from returndesk.catalog.tests.factories import make_customer

from .conftest import Api, api_as, make_user

pytestmark = pytest.mark.django_db
NEW_CUSTOMER = {"code": "C-NEW", "name": "新客户"}


def test_given_no_credentials_when_calling_then_401_problem_with_www_authenticate():
    response = api_as(None).get("/customers")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="ReturnDesk API"'
    assert response.json()["code"] == "auth.required"


def test_given_a_valid_token_when_calling_then_200_and_last_used_is_recorded():
    user = make_user(Role.AGENT)
    _token, raw = api_token_create(actor=None, user=user, name="t")

    response = Api(Client(), {"Authorization": f"Bearer {raw}"}).get("/customers")

    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer rd_00000000_nope", "Bearer", "Basic dXNlcjpwYXNz", "rd_x"])
def test_given_a_bad_authorization_header_when_calling_then_401_invalid_token(header):
    response = Api(Client(), {"Authorization": header}).get("/customers")

    assert response.status_code == 401
    assert response.json()["code"] == "auth.invalid_token"
    assert response["WWW-Authenticate"] == 'Bearer realm="ReturnDesk API", error="invalid_token"'


def test_given_a_revoked_token_when_calling_then_401_and_nothing_written():
    # given
    user = make_user(Role.SALES)
    token, raw = api_token_create(actor=None, user=user, name="t")
    api_token_revoke(actor=None, token=token)

    # when
    response = Api(Client(), {"Authorization": f"Bearer {raw}"}).post("/customers", NEW_CUSTOMER)

    # then
    assert (response.status_code, response.json()["code"]) == (401, "auth.invalid_token")
    assert Customer.objects.count() == 0


def test_given_a_bad_token_and_a_signed_in_session_when_calling_then_the_token_decides_401():
    client = Client()
    client.force_login(make_user(Role.ADMIN))

    response = Api(client, {"Authorization": "Bearer rd_00000000_nope"}).get("/customers")

    assert response.status_code == 401


# --- browser session ------------------------------------------------------------------------


def _session(role=Role.SALES) -> Api:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role))
    return Api(client)


def _csrf_token(api: Api) -> str:
    api.client.get("/api/v1/docs")  # a page that sets the CSRF cookie (Swagger sends it back)
    return api.client.cookies["csrftoken"].value


def test_given_a_session_when_reading_then_no_csrf_token_is_needed():
    make_customer(code="C1")

    response = _session().get("/customers")

    assert response.status_code == 200
    assert [c["code"] for c in response.json()["items"]] == ["C1"]


def test_given_a_session_without_csrf_token_when_posting_then_403_problem_and_nothing_created():
    api = _session()
    _csrf_token(api)  # the cookie is there, the header is not

    response = api.post("/customers", NEW_CUSTOMER)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "auth.csrf_failed"
    assert Customer.objects.count() == 0


def test_given_a_session_with_a_wrong_csrf_token_when_posting_then_403():
    api = _session()
    _csrf_token(api)

    response = api.post("/customers", NEW_CUSTOMER, **{"X-CSRFToken": "x" * 32})

    assert (response.status_code, response.json()["code"]) == (403, "auth.csrf_failed")
    assert Customer.objects.count() == 0


def test_given_a_session_with_the_csrf_token_when_posting_then_created():
    api = _session()
    token = _csrf_token(api)

    response = api.post("/customers", NEW_CUSTOMER, **{"X-CSRFToken": token})

    assert response.status_code == 201
    assert Customer.objects.get().code == "C-NEW"


def test_given_no_session_when_posting_without_csrf_then_401_not_403():
    api = Api(Client(enforce_csrf_checks=True))

    response = api.post("/customers", NEW_CUSTOMER)

    assert (response.status_code, response.json()["code"]) == (401, "auth.required")


def test_given_a_token_when_posting_from_a_csrf_enforcing_client_then_no_csrf_token_is_needed():
    api = Api(Client(enforce_csrf_checks=True), api_as(make_user(Role.SALES)).headers)

    response = api.post("/customers", NEW_CUSTOMER)

    assert response.status_code == 201


def test_given_an_inactive_session_user_when_calling_then_401():
    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = Api(client).get("/customers")

    assert response.status_code == 401
