"""ETag / If-Match helpers that versioned resources (cases) use."""

from importlib import import_module

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.test import RequestFactory

from returndesk.api.etag import etag_for, if_match_version, set_etag, stale_as_precondition_failed
from returndesk.cases.models import Case
from returndesk.cases.services import case_approve, case_create
from returndesk.core.errors import ConflictError, DomainError
from returndesk.orders.tests.factories import make_order

from .conftest import make_user


def request(if_match: str | None = None):
    headers = {} if if_match is None else {"If-Match": if_match}
    return RequestFactory().post("/api/v1/cases/x/approve", headers=headers)


def test_given_a_version_when_answered_then_a_strong_etag():
    response = HttpResponse()

    set_etag(response, 7)

    assert (etag_for(7), response["ETag"]) == ('"7"', '"7"')


@pytest.mark.parametrize(("header", "version"), [(None, None), ("*", None), ('"7"', 7), (' "12" ', 12)])
def test_given_if_match_when_parsed_then_the_expected_version(header, version):
    assert if_match_version(request(header), entity="case") == version


@pytest.mark.parametrize("header", ['W/"7"', "7", '"7", "8"', '"abc"', '""'])
def test_given_an_if_match_that_can_never_match_when_parsed_then_412(header):
    with pytest.raises(DomainError) as caught:
        if_match_version(request(header), entity="case")

    assert (caught.value.code, caught.value.kind) == ("case.precondition_failed", "precondition")


def test_given_if_match_when_the_service_finds_the_copy_stale_then_412_instead_of_409():
    with pytest.raises(DomainError) as caught, stale_as_precondition_failed(3, entity="case"):
        raise ConflictError("case.conflict", "已被修改", "changed")

    assert (caught.value.code, caught.value.kind) == ("case.precondition_failed", "precondition")


def test_given_no_if_match_when_the_service_finds_the_copy_stale_then_the_409_stays():
    with pytest.raises(DomainError) as caught, stale_as_precondition_failed(None, entity="case"):
        raise ConflictError("case.conflict", "已被修改", "changed")

    assert caught.value.code == "case.conflict"


def test_given_another_refusal_when_if_match_was_sent_then_it_passes_through():
    with pytest.raises(DomainError) as caught, stale_as_precondition_failed(3, entity="case"):
        raise DomainError("case.missing_inputs", "请填写", "Please fill in")

    assert caught.value.code == "case.missing_inputs"


@pytest.mark.django_db
def test_given_a_real_case_service_when_if_match_names_a_stale_version_then_412_and_the_case_unchanged():
    # given a case at version 1 (the cases router will pass If-Match down like this)
    import_module(
        "returndesk.cases.migrations.0002_default_reasons_settings_append_only_events"
    ).load_reasons(apps, None)
    agent = make_user("agent")
    order = make_order()
    case = case_create(
        actor=agent,
        customer=order.customer,
        type="return_refund",
        channel="phone",
        lines=[{"order_line": order.lines.get(), "quantity": 1, "reason": "Q01"}],
    )
    expected = if_match_version(request('"0"'), entity="case")

    # when
    with pytest.raises(DomainError) as caught, stale_as_precondition_failed(expected, entity="case"):
        case_approve(case=case, actor=agent, solution="self_ship", expected_version=expected)

    # then
    assert caught.value.code == "case.precondition_failed"
    stored = Case.objects.get()
    assert (stored.version, stored.status) == (1, "submitted")
