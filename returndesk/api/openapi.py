"""The OpenAPI document as the API really answers, for clients and for the conformance test
(api/tests/test_schemathesis.py).

ninja declares every response with the renderer's media type (application/json), but errors are
answered as RFC 9457 problems with `Content-Type: application/problem+json` (errors.py). So the
document is finished here, after ninja has built it:

- every response whose body is a `Problem` is declared as application/problem+json;
- every operation gets a `default` response (a problem): the statuses an operation does not list
  (400 malformed JSON, 405, 413, 500, the idempotency answers) are problems too;
- every POST declares the optional `Idempotency-Key` header (idempotency.py), with the syntax the
  middleware accepts; a malformed key is answered 400 `idempotency.invalid_key`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from .errors import PROBLEM_CONTENT_TYPE
from .idempotency import HEADER, MAX_KEY_LENGTH

PROBLEM_REF = "#/components/schemas/Problem"

IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Makes the POST safe to retry: the same key with the same request answers the stored "
        "response (Idempotent-Replayed: true) without running it again. See docs/api.md."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY_LENGTH,
        "pattern": f"^[\\x21-\\x7e]{{1,{MAX_KEY_LENGTH}}}$",  # printable ASCII, no space
    },
}


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}}}


def document_problems_and_keys(document: dict[str, Any]) -> dict[str, Any]:
    """Finish ninja's document in place (see the module docstring) and return it."""
    for methods in document.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                content = response.get("content", {})
                if any(media.get("schema", {}).get("$ref") == PROBLEM_REF for media in content.values()):
                    response["content"] = _problem_content()
            responses.setdefault(
                "default",
                {"description": "Any other error: an RFC 9457 problem", "content": _problem_content()},
            )
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
                    parameters.append(dict(IDEMPOTENCY_KEY_PARAMETER))
    return document


class ReturnDeskAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares problems and Idempotency-Key as answered."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_problems_and_keys(document)
