"""Property-based conformance of the whole API against its own OpenAPI document (schemathesis).

For every operation in /api/v1/openapi.json, schemathesis generates requests — valid and invalid
parameters and bodies — and sends them in-process to the Django WSGI application, authenticated
with real API tokens: a staff superuser (role service supervisor, so it may also act on cases)
and a customer. Every answer must:

- not be a server error (`not_a_server_error`: bad input never produces a 5xx);
- match the schema declared for its status (`response_schema_conformance`), problems included:
  undeclared statuses fall under the `default` problem response (api/openapi.py);
- have a declared Content-Type (`content_type_conformance`): success bodies application/json,
  problems application/problem+json;
- for a POST that was stored under its Idempotency-Key: answer the same again when the request is
  repeated, marked `Idempotent-Replayed: true` (api/idempotency.py).

Path parameters are often replaced by the ids of records that exist (products, customers, orders,
cases of several statuses, an attachment), so the success answers are checked too, not only
404s; two examples in three are sent as the staff user, the rest as the customer. Both choices
are functions of the generated values, and hypothesis runs derandomized with a fixed seed and
few examples per operation (schemathesis's coverage phase, hundreds of boundary cases per
operation, is left out for time): the test is reproducible and takes 30–60 s on two cores. The
database is the test's transaction (pytest-django `db`); records written by earlier examples stay
visible to later ones.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from importlib import import_module

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application
from returndesk.accounts.roles import Role
from returndesk.catalog.models import CustomerType
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.inspection.tests.helpers import load_goods_reference_data
from returndesk.orders.tests.factories import make_order

from .conftest import make_user, token_for

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
_REASONS_MIGRATION = "returndesk.cases.migrations.0002_default_reasons_settings_append_only_events"


def wsgi_app(environ, start_response):
    """The project's WSGI application, minus one thing: Django closes the database connection
    when a request finishes (request_finished → close_old_connections), which would end the
    test's transaction. django.test.Client disconnects the same handler for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return [body]


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 2026,
        "phases": {"coverage": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, config=CONFIG)

# Ids of existing records by path-parameter name, filled by the `world` fixture for each test.
KNOWN: dict[str, list[str]] = {}


def _digest(value) -> int:
    """A stable number for a generated value: the choices below are functions of what hypothesis
    generated, so a derandomized run always makes the same ones."""
    return int(hashlib.sha256(repr(value).encode()).hexdigest(), 16)


def _pick(name: str, generated) -> str | None:
    """An existing id for `name` for two thirds of the generated values; None keeps the value."""
    options = KNOWN.get(name)
    digest = _digest(generated)
    if not options or digest % 3 == 0:
        return None
    return options[digest // 3 % len(options)]


def _caller(case, tokens: dict[str, str]) -> str:
    """The staff superuser for two thirds of the examples, the customer for the rest."""
    digest = _digest((case.path_parameters, case.query, case.body))
    return tokens["customer" if digest % 3 == 0 else "staff"]


def _use_known_records(case) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        known = _pick(name, value)
        if known is not None:
            case.path_parameters[name] = known


def _seed_cases(*, customer_user, customer, orders) -> list[str]:
    """Cases in different statuses (submitted, awaiting the customer, awaiting the return),
    opened and moved through the real services, so the case operations answer real records; the
    last one gets a photo (KNOWN["attachment_id"])."""
    from returndesk.cases import services
    from returndesk.cases.models import Status
    from returndesk.cases.tests.helpers import add_photo, open_case

    agent = make_user(Role.AGENT)
    ids = []
    for steps, order in enumerate(orders):
        case = open_case(
            actor=customer_user, customer=customer, order_line=order.lines.first(), quantity=1, reason="C01"
        )
        if steps >= 1 and case.status == Status.SUBMITTED:
            services.case_approve(case=case, actor=agent, solution="self_ship")
        if steps >= 2:
            services.case_confirm_solution(case=case, actor=customer_user)
        ids.append(str(case.pk))
    KNOWN["attachment_id"] = [str(add_photo(case, customer_user).pk)]
    return ids


@pytest.fixture
def world(db):
    """Reference data, a staff superuser and a customer with orders and cases, and the ids of
    existing records for the path parameters."""
    import_module(_REASONS_MIGRATION).load_reasons(apps, None)
    load_goods_reference_data()
    customer = make_customer(name="张伟")
    other = make_customer(type=CustomerType.DISTRIBUTOR)
    products = [make_product() for _ in range(2)]
    orders = [make_order(customer, lines=[(products[0], 5, "199.00")]) for _ in range(3)]
    orders.append(make_order(other, lines=[(products[1], 2, "59.90")]))
    staff = make_user(Role.SUPERVISOR, is_superuser=True, is_staff=True)
    customer_user = make_user(Role.CUSTOMER, customer=customer)
    KNOWN.clear()
    KNOWN.update(
        product_id=[str(p.pk) for p in products],
        customer_id=[str(customer.pk), str(other.pk)],
        order_id=[str(o.pk) for o in orders],
        channel=[orders[0].channel],
        number=[orders[0].number, orders[-1].number],
    )
    KNOWN["case_id"] = _seed_cases(customer_user=customer_user, customer=customer, orders=orders[:3])
    yield {"staff": token_for(staff), "customer": token_for(customer_user)}
    KNOWN.clear()


_keys = itertools.count(1)


def _header(response, name: str) -> str:
    """A header of a schemathesis Response (names lower-cased, values as lists); "" if absent."""
    values = response.headers.get(name.lower()) or [""]
    return values[0]


def _check_idempotent_replay(case, response, headers: dict) -> None:
    """A POST answered below 500 and not refused as a protocol error (request.*, auth.*,
    idempotency.* codes are never stored) is answered again from the store, byte for byte."""
    if case.method.upper() != "POST" or response.status_code >= 500:
        return
    if _header(response, "Idempotent-Replayed"):
        return  # the generated key had been used before: this answer is itself a replay
    if "problem+json" in _header(response, "Content-Type"):
        code = json.loads(response.content).get("code", "")
        if code.startswith(("request.", "auth.", "idempotency.", "server.")):
            return
    again = case.call(headers=headers)
    assert again.status_code == response.status_code, (again.status_code, again.text)
    assert _header(again, "Idempotent-Replayed") == "true"
    assert again.content == response.content


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The database fixture is shared by the examples of one test on purpose (see the docstring).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(case, world):
    headers = {"Authorization": f"Bearer {_caller(case, world)}"}
    _use_known_records(case)
    if case.method.upper() == "POST" and not (case.headers or {}).get("Idempotency-Key"):
        headers["Idempotency-Key"] = f"schemathesis-{next(_keys)}"
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if "Idempotency-Key" in headers or (case.headers or {}).get("Idempotency-Key"):
        _check_idempotent_replay(case, response, headers)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_class_names_are_unique_so_no_component_replaces_another():
    """ninja names OpenAPI components after the schema classes, in one namespace for the whole
    API: two routers' `CustomerRef` classes with different fields made the document describe
    one router's answers with the other's schema (found by the test above)."""
    from pydantic import BaseModel

    import returndesk.api.api  # noqa: F401 - every router's schemas are defined

    modules: dict[str, set[str]] = {}
    for cls in _subclasses(BaseModel):
        if cls.__module__.startswith("returndesk."):
            modules.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}
