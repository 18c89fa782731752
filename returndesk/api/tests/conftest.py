"""Fixtures of the API tests: one user per role, token clients, and a JSON call helper."""

from __future__ import annotations

import itertools
import json

import pytest
from django.test import Client

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.accounts.services import api_token_create
from returndesk.catalog.tests.factories import make_customer
from returndesk.inspection.tests.helpers import goods_reference_data  # noqa: F401  autouse

_names = itertools.count(1)


def make_user(role: str = Role.AGENT, customer=None, **kw) -> User:
    kw.setdefault("username", f"{role}{next(_names)}")
    return User.objects.create_user(password="pw-Return-Desk-1", role=role, customer=customer, **kw)


def token_for(user: User) -> str:
    _token, raw = api_token_create(actor=None, user=user, name="tests")
    return raw


class Api:
    """A client of /api/v1/: `api.post("/orders", {...})` sends JSON and returns the response."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def call(self, method: str, path: str, body=None, *, raw: bytes | str | None = None, **headers):
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return getattr(self.client, method)(
            f"/api/v1{path}", data=data, headers={**self.headers, **headers}, **kwargs
        )

    def get(self, path: str, **headers):
        return self.client.get(f"/api/v1{path}", headers={**self.headers, **headers})

    def post(self, path: str, body=None, **kw):
        return self.call("post", path, body, **kw)

    def put(self, path: str, body=None, **kw):
        return self.call("put", path, body, **kw)


def api_as(user: User | None) -> Api:
    """Token authentication for `user`; anonymous for None."""
    if user is None:
        return Api(Client())
    return Api(Client(), {"Authorization": f"Bearer {token_for(user)}"})


@pytest.fixture
def admin_api(db):
    return api_as(make_user(Role.ADMIN))


@pytest.fixture
def sales_user(db):
    return make_user(Role.SALES)


@pytest.fixture
def sales_api(sales_user):
    return api_as(sales_user)


@pytest.fixture
def integration_user(db):
    return make_user(Role.SYSTEM, username="tmall-sync")


@pytest.fixture
def integration_api(integration_user):
    return api_as(integration_user)


@pytest.fixture
def customer_user(db):
    return make_user(Role.CUSTOMER, customer=make_customer())
