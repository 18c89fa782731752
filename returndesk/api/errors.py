"""Every error the API answers is an RFC 9457 problem (`application/problem+json`):

    {"type": "about:blank", "title": "Conflict", "status": 409, "detail": "…", "code": "order.duplicate_number",
     "instance": "/api/v1/orders", "errors": [{"field": "number", "message": "…"}]}

`code` is stable and is what clients branch on; `title` and `detail` follow the request's
language (Accept-Language zh-CN or en, Chinese by default; LocaleMiddleware activates it);
`errors` lists field errors when there are any. Status codes: DomainError kinds map invalid→422,
forbidden→403, not_found→404, conflict→409, precondition→412; a body that is not JSON → 400;
schema validation → 422; no or bad credentials → 401; a failed CSRF check → 403. Anything
unexpected is logged and answered as a 500 problem, so even a bug answers problem+json.
"""

from __future__ import annotations

import json
import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja.errors import AuthenticationError, HttpError, ValidationError

from returndesk.core.errors import DomainError
from returndesk.core.i18n import pick_pair

logger = logging.getLogger("returndesk.api")

API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"

STATUS_TITLES = {
    400: ("请求格式错误", "Bad request"),
    401: ("未认证", "Unauthorized"),
    403: ("禁止访问", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("不支持的请求方法", "Method not allowed"),
    409: ("冲突", "Conflict"),
    412: ("前提条件不成立", "Precondition failed"),
    413: ("请求内容过大", "Content too large"),
    422: ("内容无法处理", "Unprocessable content"),
    429: ("请求过于频繁", "Too many requests"),
    500: ("服务器内部错误", "Internal server error"),
}
KIND_STATUS = {"invalid": 422, "forbidden": 403, "not_found": 404, "conflict": 409, "precondition": 412}

# Refusals of the request itself, before any work: their responses are never stored under an
# Idempotency-Key, so the caller can fix the request and retry with the same key.
PROTOCOL_CODE_PREFIXES = ("request.", "auth.", "idempotency.", "server.")
WWW_AUTHENTICATE = 'Bearer realm="ReturnDesk API"'


class InvalidToken(AuthenticationError):
    """An Authorization header was sent but names no usable token."""


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def problem(
    request: HttpRequest,
    status: int,
    code: str,
    zh: str,
    en: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    title = STATUS_TITLES.get(status, ("错误", "Error"))
    body = {
        "type": "about:blank",
        "title": pick_pair(*title),
        "status": status,
        "detail": pick_pair(zh, en),
        "code": code,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    response.problem_code = code  # read by the idempotency middleware
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_protocol_refusal(response: HttpResponse) -> bool:
    code = getattr(response, "problem_code", None)
    return code is not None and code.startswith(PROTOCOL_CODE_PREFIXES)


def field_errors(exc: DomainError) -> list[dict[str, str]]:
    """A DomainError's field messages in the active language, as the problem's `errors`."""
    messages = exc.field_messages(translation.get_language())
    return [{"field": name, "message": message.strip()} for name, message in messages.items()]


def domain_problem(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = KIND_STATUS.get(exc.kind)
    if status is None:
        logger.error("DomainError %s has unknown kind %r; answered 422", exc.code, exc.kind)
        status = 422
    return problem(request, status, exc.code, exc.zh, exc.en, errors=field_errors(exc))


# --- schema validation (pydantic, through ninja) --------------------------------------------

# Chinese for the pydantic error types a client meets in practice; others fall back to pydantic's
# English text after a Chinese lead-in.
PYDANTIC_ZH = {
    "missing": "必填。",
    "extra_forbidden": "不允许的字段。",
    "string_type": "必须是字符串。",
    "string_too_short": "至少 {min_length} 个字符。",
    "string_too_long": "最多 {max_length} 个字符。",
    "int_type": "必须是整数。",
    "int_parsing": "必须是整数。",
    "int_from_float": "必须是整数。",
    "bool_type": "必须是 true 或 false。",
    "bool_parsing": "必须是 true 或 false。",
    "decimal_type": '必须是字符串形式的数字，如 "99.50"。',
    "decimal_parsing": "不是数字。",
    "datetime_type": "必须是 ISO 8601 日期时间。",
    "datetime_parsing": "必须是 ISO 8601 日期时间，如 2026-11-11T00:05:00+08:00。",
    "datetime_from_date_parsing": "必须是 ISO 8601 日期时间，如 2026-11-11T00:05:00+08:00。",
    "timezone_aware": "必须带时区，如 +08:00。",
    "enum": "可选值：{expected}。",
    "literal_error": "可选值：{expected}。",
    "list_type": "必须是列表。",
    "too_short": "至少 {min_length} 项。",
    "too_long": "最多 {max_length} 项。",
    "greater_than": "必须大于 {gt}。",
    "greater_than_equal": "必须不小于 {ge}。",
    "less_than_equal": "必须不大于 {le}。",
    "uuid_parsing": "不是有效的 ID。",
    "uuid_type": "不是有效的 ID。",
    "model_type": "必须是 JSON 对象。",
    "model_attributes_type": "必须是 JSON 对象。",
    "dict_type": "必须是 JSON 对象。",
}


def _field_path(loc) -> str:
    source, *rest = loc
    if source == "body" and rest:
        rest = rest[1:]  # drop the name of the handler's body parameter
    return ".".join(str(part) for part in rest) or str(source)


def _message(error: dict, english: bool) -> str:
    text = error.get("msg", "")
    if error.get("type") == "value_error":
        # Our own validators (e.g. "money must be a string") speak for themselves: "zh | en".
        zh, _sep, en = text.removeprefix("Value error, ").partition(" | ")
        return (en or zh) if english else zh
    if english:
        return text
    template = PYDANTIC_ZH.get(error.get("type", ""))
    if template is None:
        return f"输入无效：{text}"
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return f"输入无效：{text}"


def validation_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    english = (translation.get_language() or "").startswith("en")
    errors = [{"field": _field_path(e["loc"]), "message": _message(e, english)} for e in exc.errors]
    return problem(
        request,
        422,
        "request.invalid",
        f"请求数据有 {len(errors)} 处错误。",
        f"The request has {len(errors)} invalid {'field' if len(errors) == 1 else 'fields'}.",
        errors=errors,
    )


# --- exception handlers --------------------------------------------------------------------


def _authentication_problem(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE}
    if isinstance(exc, InvalidToken):
        return problem(
            request,
            401,
            "auth.invalid_token",
            "API 令牌无效、已过期或已撤销。",
            "The API token is invalid, expired or revoked.",
            headers={"WWW-Authenticate": f'{WWW_AUTHENTICATE}, error="invalid_token"'},
        )
    return problem(
        request,
        401,
        "auth.required",
        "需要认证：请发送 Authorization: Bearer <令牌>，或登录后使用浏览器会话。",
        "Authentication required: send Authorization: Bearer <token>, or sign in and use the browser session.",
        headers=headers,
    )


def _http_error_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, CsrfFailed):
        return problem(
            request,
            403,
            "auth.csrf_failed",
            "CSRF 校验失败：浏览器会话的写请求须带 X-CSRFToken 请求头。",
            "CSRF check failed: write requests with the browser session need the X-CSRFToken header.",
        )
    if exc.status_code == 400 and exc.__cause__ is not None:
        # ninja's body parser failed: not JSON, or not UTF-8.
        return problem(
            request,
            400,
            "request.malformed_json",
            "请求体不是有效的 JSON。",
            "The request body is not valid JSON.",
        )
    status = exc.status_code
    return problem(request, status, f"request.http_{status}", str(exc), str(exc))


def _not_found_problem(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "not_found", "资源不存在。", "Not found.")


def _unexpected_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return _server_error(request)


def _server_error(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        500,
        "server.error",
        "服务器内部错误，已记录。请稍后重试。",
        "Internal server error; it has been logged. Please try again later.",
    )


def install_exception_handlers(api) -> None:
    api.add_exception_handler(DomainError, domain_problem)
    api.add_exception_handler(ValidationError, validation_problem)
    api.add_exception_handler(AuthenticationError, _authentication_problem)
    api.add_exception_handler(HttpError, _http_error_problem)
    api.add_exception_handler(Http404, _not_found_problem)
    api.add_exception_handler(Exception, _unexpected_problem)


class ProblemFallbackMiddleware:
    """Under /api/, errors produced outside the API's exception handlers — an unknown URL (404),
    a method the path does not have (405, empty from ninja), a crash in a middleware (500) —
    are answered as problems too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith((PROBLEM_CONTENT_TYPE, "application/json"))
        ):
            return response
        status = response.status_code
        if status == 404:
            return problem(request, 404, "request.not_found", "没有这个接口地址。", "No such API URL.")
        if status == 405:
            allowed = response.get("Allow", "")
            return problem(
                request,
                405,
                "request.method_not_allowed",
                f"此地址不支持 {request.method}，可用：{allowed}。",
                f"{request.method} is not supported here; allowed: {allowed}.",
                headers={"Allow": allowed},
            )
        if status >= 500:
            return _server_error(request)
        return problem(request, status, f"request.http_{status}", "请求被拒绝。", "The request was refused.")
