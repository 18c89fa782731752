"""The one NinjaAPI of ReturnDesk, mounted at /api/v1/ (config/urls.py); OpenAPI 3 document at
/api/v1/openapi.json, interactive docs at /api/v1/docs (Swagger UI served from ninja's bundled
static files, no CDN). Client documentation: docs/api.md.

How to add a router (e.g. v1/cases.py), following v1/orders.py:

1. Create `returndesk/api/v1/<domain>.py` with `router = Router(tags=["<domain>"])`, and register
   it below with `api.add_router("", <domain>.router)`; paths are written in full ("/cases…").
2. Schemas: separate input (subclass schemas.InputSchema: unknown fields are refused) and output
   (ninja Schema) classes. Amounts are schemas.Money (out) / schemas.DecimalIn (in, strings
   only), times schemas.LocalDatetime (out) / schemas.DatetimeIn (in, with an offset).
3. Handlers: parse → one service or selector → serialize; no rules of their own. Let
   DomainError propagate: errors.py answers it as a problem in the request's language
   (kind → status). Return `Status(201, obj)` for creations.
4. Permissions: by default any authenticated caller; narrow an operation with
   `auth=roles_allowed(ROLES)` (auth.py), reusing the role set its service enforces. Services
   and selectors still apply their own rules (e.g. a customer sees only its own records).
5. Lists: `page: Query[PageQuery]` (or a subclass with filters) and
   `keyset_page(queryset, order="-created_at", query=page)`; select_related / prefetch in the
   selector, so a page costs a fixed number of queries.
6. Versioned resources (cases): answer `ETag` and honour `If-Match` with etag.py
   (`if_match_version`, `stale_as_precondition_failed`, `set_etag`); the module docstring
   there has the pattern.
7. POSTs get Idempotency-Key handling for free (idempotency.py middleware).
8. Tests: returndesk/api/tests/ — add every new operation to test_authorization_matrix.py.
"""

from ninja import Swagger
from ninja.renderers import JSONRenderer

from .auth import DEFAULT_AUTH
from .errors import install_exception_handlers
from .openapi import ReturnDeskAPI
from .v1 import (
    acceptance,
    analytics,
    cases,
    catalog,
    exchanges,
    followups,
    inspection,
    logistics,
    orders,
    refunds,
    repairs,
    stock,
)


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as UTF-8 text, not as escapes


# ReturnDeskAPI: a NinjaAPI whose OpenAPI document declares problems as application/problem+json
# and the Idempotency-Key header (openapi.py).
api = ReturnDeskAPI(
    title="ReturnDesk API",
    version="1",
    description="退货/售后管理系统接口 / Returns and after-sales API. See docs/api.md.",
    urls_namespace="api-v1",
    auth=DEFAULT_AUTH,
    # validatorUrl None: Swagger UI would otherwise call validator.swagger.io; every asset stays local.
    docs=Swagger(settings={"persistAuthorization": False, "validatorUrl": None}),
    renderer=Utf8JSONRenderer(),
)
install_exception_handlers(api)

api.add_router("", catalog.router)
api.add_router("", orders.router)
api.add_router("", cases.router)
api.add_router("", refunds.router)
api.add_router("", logistics.router)
api.add_router("", inspection.router)
api.add_router("", stock.router)
api.add_router("", exchanges.router)
api.add_router("", repairs.router)
api.add_router("", acceptance.router)
api.add_router("", followups.router)
api.add_router("", analytics.router)
