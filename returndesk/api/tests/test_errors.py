"""Every error is an RFC 9457 problem with a stable code, in the request's language."""

import json

import pytest
from django.test import RequestFactory
from django.utils import translation

from returndesk.accounts.roles import Role
from returndesk.api.errors import domain_problem
from returndesk.catalog import selectors as catalog_selectors
from returndesk.catalog.models import Customer, Product
from returndesk.catalog.tests.factories import make_category, make_customer
from returndesk.core.errors import DomainError

from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance"}


@pytest.fixture
def api(db):
    return api_as(make_user(Role.SALES))


def test_given_a_duplicate_when_creating_then_409_problem_with_code_and_field_errors_in_chinese(api):
    # given
    make_customer(code="C1")

    # when no Accept-Language: Chinese is the default
    response = api.post("/customers", {"code": "C1", "name": "重复"})

    # then
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "冲突",
        "status": 409,
        "detail": "客户编码 C1 已存在。",
        "code": "customer.duplicate_code",
        "instance": "/api/v1/customers",
        "errors": [{"field": "code", "message": "客户编码已存在。"}],
    }
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("accept_language", "title", "detail", "field_message"),
    [
        ("en", "Conflict", "Customer code C1 already exists.", "Customer code already exists."),
        ("en-US,en;q=0.9", "Conflict", "Customer code C1 already exists.", "Customer code already exists."),
        ("zh-CN", "冲突", "客户编码 C1 已存在。", "客户编码已存在。"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "冲突", "客户编码 C1 已存在。", "客户编码已存在。"),
        ("fr", "冲突", "客户编码 C1 已存在。", "客户编码已存在。"),
    ],
)
def test_given_accept_language_when_refused_then_the_message_follows_it(
    api, accept_language, title, detail, field_message
):
    make_customer(code="C1")

    response = api.post("/customers", {"code": "C1", "name": "重复"}, **{"Accept-Language": accept_language})

    body = response.json()
    assert (body["code"], body["title"], body["detail"]) == ("customer.duplicate_code", title, detail)
    assert body["errors"] == [{"field": "code", "message": field_message}]


@pytest.mark.parametrize("raw", ["{bad", '{"code": "C1",}', "\xff\xfe", "{'code': 'C1'}"])
def test_given_a_body_that_is_not_json_when_posting_then_400_malformed_json_and_nothing_created(api, raw):
    response = api.post("/customers", raw=raw.encode("latin-1"))

    assert response.status_code == 400
    assert response.json()["code"] == "request.malformed_json"
    assert set(response.json()) == PROBLEM_KEYS
    assert Customer.objects.count() == 0


def test_given_schema_errors_when_posting_then_422_with_every_field_error_in_english(api):
    make_category(code="PHONE")

    response = api.post(
        "/products",
        {"sku": 7, "category": "PHONE", "warranty_months_unit": "12", "colour": "red"},
        **{"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable content",
        "status": 422,
        "detail": "The request has 4 invalid fields.",
        "code": "request.invalid",
        "instance": "/api/v1/products",
        "errors": [
            {"field": "sku", "message": "Input should be a valid string"},
            {"field": "name", "message": "Field required"},
            {"field": "warranty_months_unit", "message": "Input should be a valid integer"},
            {"field": "colour", "message": "Extra inputs are not permitted"},
        ],
    }
    assert Product.objects.count() == 0


def test_given_schema_errors_when_posting_in_chinese_then_the_field_messages_are_chinese(api):
    response = api.post("/products", {"sku": 7, "category": "PHONE", "colour": "red"})

    assert response.json()["detail"] == "请求数据有 3 处错误。"
    assert response.json()["errors"] == [
        {"field": "sku", "message": "必须是字符串。"},
        {"field": "name", "message": "必填。"},
        {"field": "colour", "message": "不允许的字段。"},
    ]


@pytest.mark.parametrize(("language", "message"), [("en", "Amounts and decimals must be JSON strings")])
def test_given_a_json_number_for_money_when_posting_an_order_then_422_on_that_field(api, language, message):
    customer = make_customer(code="C1")

    response = api.post(
        "/orders",
        {
            "channel": "own_shop",
            "number": "N1",
            "customer": customer.code,
            "placed_at": "2026-11-11T00:05:00+08:00",
            "lines": [{"sku": "X", "quantity": 1, "unit_price": 99.5}],
        },
        **{"Accept-Language": language},
    )

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "lines.0.unit_price"
    assert error["message"].startswith(message)


def test_given_a_time_without_offset_when_posting_an_order_then_422_in_chinese(api):
    response = api.post(
        "/orders",
        {
            "channel": "own_shop",
            "number": "N1",
            "customer": "C1",
            "placed_at": "2026-11-11T00:05:00",
            "lines": [{"sku": "X", "quantity": 1, "unit_price": "99.50"}],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "placed_at", "message": "必须带时区，如 +08:00。"}]


def test_given_a_business_rule_refusal_when_posting_then_422_with_the_services_code(api):
    response = api.post("/customers", {"code": "C1", "name": "x", "email": "not-an-email"})

    assert response.status_code == 422
    assert response.json()["code"] == "customer.invalid_email"
    assert response.json()["errors"] == [{"field": "email", "message": "邮箱地址格式不正确。"}]


def test_given_an_unknown_url_when_calling_then_404_problem(api):
    response = api.get("/no-such-thing")

    assert response.status_code == 404
    assert response.json()["code"] == "request.not_found"


def test_given_a_missing_object_when_fetching_then_404_problem_with_the_domain_code(api):
    response = api.get("/customers/00000000-0000-0000-0000-000000000000")

    assert (response.status_code, response.json()["code"]) == (404, "customer.not_found")


def test_given_a_method_the_path_lacks_when_calling_then_405_problem_with_allow(api):
    response = api.call("delete", "/customers")

    assert response.status_code == 405
    assert response.json()["code"] == "request.method_not_allowed"
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_given_a_bug_in_a_handler_when_calling_then_500_problem_and_the_error_is_logged(
    api, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog_selectors, "customer_visible_to", broken)

    response = api.get("/customers")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "server.error"
    assert "boom" not in response.content.decode()
    assert any(r.name == "returndesk.api" and r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("kind", "status"),
    [("invalid", 422), ("forbidden", 403), ("not_found", 404), ("conflict", 409), ("precondition", 412)],
)
def test_given_each_domain_error_kind_when_answered_then_its_status(kind, status):
    request = RequestFactory().post("/api/v1/x")
    error = DomainError("x.y", "中文", "English", kind=kind)

    with translation.override("en"):
        response = domain_problem(request, error)

    assert response.status_code == status
    assert json.loads(response.content)["detail"] == "English"
