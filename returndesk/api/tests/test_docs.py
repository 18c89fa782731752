"""The OpenAPI document and the interactive docs, served without any outside asset."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_given_the_openapi_url_when_fetched_then_an_openapi_3_document_with_both_auth_schemes():
    document = Client().get("/api/v1/openapi.json").json()

    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "ReturnDesk API"
    assert {"/api/v1/orders", "/api/v1/orders/bulk", "/api/v1/orders/{channel}/{number}"} <= set(
        document["paths"]
    )
    assert document["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    money = document["components"]["schemas"]["OrderOut"]["properties"]["total_paid"]
    assert money["type"] == "string"


def test_given_the_docs_page_when_rendered_then_every_asset_is_local_and_exists():
    html = Client().get("/api/v1/docs").content.decode()

    assert not re.search(r"https?://", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    assert all(finders.find(asset.removeprefix("/static/")) for asset in assets)
    assert '"validatorUrl": null' in html  # Swagger UI's online validator would call out


def test_given_the_docs_page_when_rendered_then_it_carries_the_csrf_token_for_try_it_out():
    html = Client().get("/api/v1/docs").content.decode()

    assert re.search(r'data-csrf-token="[A-Za-z0-9]{32,}"', html)
    assert 'data-api-csrf="true"' in html
