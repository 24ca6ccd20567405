"""The JSON API under /api/v1/: authentication, errors in one shape, rate and size limits.

Every endpoint calls the same service functions and scoped querysets as the pages, so a
grassroots union's token sees only that union, masking follows the role, and reveals and
exports are audited exactly as in the UI.
"""

from __future__ import annotations

import logging
from functools import cache, wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader, HttpBearer, django_auth
from ninja.throttling import SimpleRateThrottle

from gongjiang.accounts.audit import security_event
from gongjiang.accounts.enums import SecurityEventKind
from gongjiang.api import archive, benefits, care, platform, rosters, stats, tokens
from gongjiang.api import services as token_services
from gongjiang.core import context, throttle
from gongjiang.core.errors import FAILED, RETRY_AFTER, UNAVAILABLE, DomainError

log = logging.getLogger(__name__)

DESCRIPTION = """
工匠（Gongjiang）系统的数据接口：劳模档案、花名册导入、待遇发放、“三创”平台、关爱服务与统计。

权限与网页完全一致：基层工会的令牌只能看到本工会的人员；身份证号、电话默认脱敏，查看完整信息、导出都记入审计日志；
发放批次的制作人不能审批自己制作的批次。

## 示例：用两个用户的令牌生成并审批一个发放批次

1. 登录网页，在左下角“API 令牌”页面新建令牌（令牌只显示一次，请妥善保存）。以下用 `$T1`（制作人）和 `$T2`（审批人）表示两个用户的令牌。
2. 列出全国劳模：

```bash
curl -H "Authorization: Bearer $T1" "http://127.0.0.1:8000/api/v1/model-workers?level=1"
```

3. 查看待遇项目，生成 2026 年 11 月的批次，并提交审批：

```bash
curl -H "Authorization: Bearer $T1" http://127.0.0.1:8000/api/v1/schemes
curl -X POST -H "Authorization: Bearer $T1" -H "Content-Type: application/json" \\
     -d '{"period": "2026-11-01"}' http://127.0.0.1:8000/api/v1/schemes/1/batches
curl -X POST -H "Authorization: Bearer $T1" http://127.0.0.1:8000/api/v1/batches/42/submit
```

4. 制作人自己审批会被拒绝（403，`{"code": "forbidden", ...}`）；由另一位用户审批：

```bash
curl -X POST -H "Authorization: Bearer $T2" http://127.0.0.1:8000/api/v1/batches/42/approve
```

## 约定

- 认证：`Authorization: Bearer <令牌>`（或浏览器已登录的会话，写操作需 CSRF）。
- 列表用游标分页：响应中的 `next` 作为下一次请求的 `cursor` 参数。
- 文本中不能含有 NUL 字符（`\\u0000`）：在请求体中返回 422，在网址中返回 400。
- 错误统一为 `{"code": "...", "message": "中文说明", "fields": {"字段": ["说明"]}}`：
  400 请求格式错误、401 未认证、403 无权限、404 不存在或不在您的范围、409 状态冲突、413 请求过大、422 数据不合规、429 请求过于频繁、
  500 `error` 服务器内部错误（已记入日志）、503 `unavailable` 数据库暂时无法连接（带 `Retry-After`，单位秒）。
- 503 的含义：请求没有完成。尚未提交的修改已回滚；但若连接在某一步提交之后才中断，那一步可能已经生效。
  因此 GET 总可以重试；以下 POST 重复提交不会重复生效（已完成时返回同一结果或 409），可以直接重试：生成批次、提交、审批、退回、结束批次、
  逐笔结果、全部发放、补发（同一人·期的发放合计从不超过应发）、冲正、确认/取消/撤销/重试导入、重试后台任务。
  其他 POST（新建令牌、上传花名册、新建档案、添加称号、家庭成员、账户、暂停发放等）重试前请先查询是否已生效。
"""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gj_…``: the user's token; the request acts as that user."""

    openapi_description = "个人 API 令牌（在“API 令牌”页面创建）"

    def authenticate(self, request, token):
        invalid = InvalidTokenThrottle()
        if invalid.exceeded(request):
            # Too many invalid tokens from this address: no token from it is even looked at.
            raise Throttled(wait=invalid.wait())
        found = token_services.resolve(token, ip=context.client_ip(request))
        if found is None:
            invalid.note(request)
            return None
        request.user = found.user
        request.api_token = found
        # Every audit entry written during this request names the token.
        context.attribute_to_token(found.pk)
        return found.user


class SessionAuth(APIKeyHeader):
    """The browser's own session (the product's pages), with Django's CSRF check for writes."""

    param_name = "X-CSRFToken"
    openapi_description = "已登录网页的会话（写操作需 X-CSRFToken）"

    def __call__(self, request):
        return django_auth(request)

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None


class SharedRateThrottle(SimpleRateThrottle):
    """ninja's sliding window, kept in the shared cache with each update serialised, so that a
    limit holds across every worker process (``core.throttle``)."""

    def _read_rate(self) -> None:
        # Read the rate on every request (not once at start-up) so a changed setting applies.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request):
        self._read_rate()
        try:
            with throttle.serialised(self.get_cache_key(request) or ""):
                return super().allow_request(request)
        except (OperationalError, InterfaceError) as exc:
            # ninja runs throttles outside its exception handlers. With the database (and so the
            # shared cache) away, let the call through: the operation's own first query then
            # fails inside the handlers and the caller gets the 503 ``unavailable`` shape.
            log.warning("rate limit not checked, the database is unavailable: %s", exc)
            return True


class UserRateThrottle(SharedRateThrottle):
    """Requests per token (or per signed-in user); anonymous calls per address."""

    scope = "user"

    def get_rate(self):
        return settings.GONGJIANG["API_RATE"]

    def get_cache_key(self, request):
        token = getattr(request, "api_token", None)
        if token is not None:
            ident = f"token:{token.pk}"
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class InvalidTokenThrottle(SharedRateThrottle):
    """Invalid tokens per address: past ``API_INVALID_TOKEN_RATE`` the address waits."""

    scope = "invalid-token"

    def get_rate(self):
        return settings.GONGJIANG["API_INVALID_TOKEN_RATE"]

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": context.client_ip(request) or "-"}

    def exceeded(self, request) -> bool:
        self._read_rate()
        self.key, self.now = self.get_cache_key(request), self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def note(self, request) -> None:
        """Count one invalid token; the one that reaches the limit is a security event."""
        self.allow_request(request)
        if len(self.history) == self.num_requests:
            security_event(
                kind=SecurityEventKind.INVALID_TOKENS,
                detail={"address": context.client_ip(request), "count": self.num_requests, "rate": self.rate},
            )


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class StrictJSONParser(Parser):
    """JSON bodies without the NUL character (``\\u0000``): PostgreSQL text cannot hold it, and
    no value in this system needs it. Forms refuse it the same way (Django's form fields)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _has_nul(data):
            raise DjangoValidationError(_("Text may not contain the NUL character (\\u0000)."))
        return data


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # readable Chinese in logs and curl output


def docs_login_required(view):
    """The API's description names every path and field: it is for signed-in users and token
    holders only. The docs page sends others to the login page; openapi.json answers 401."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            try:
                user = TokenAuth()(request)
            except Throttled as exc:
                return api.on_exception(request, exc)
            if not user:
                if request.path.endswith(".json"):
                    return api.on_exception(request, AuthenticationError())
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class GongjiangAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """``gongjiang_api_routers_<area>_<function>``: the ids from when each area was one module
        (``api/routers/<area>.py``), kept so that generated clients keep their method names."""
        area = operation.view_func.__module__.split(".")[2]
        return f"gongjiang_api_routers_{area}_{operation.view_func.__name__}"


api = GongjiangAPI(
    docs_decorator=docs_login_required,
    renderer=ChineseJSONRenderer(),
    parser=StrictJSONParser(),
    title="工匠 Gongjiang API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[UserRateThrottle()],
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error(request, status: int, code: str, message, fields: dict | None = None):
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {k: [str(m) for m in v] for k, v in fields.items()}
    return api.create_response(request, body, status=status)


@api.exception_handler(DjangoValidationError)
def on_validation(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        fields = {("__all__" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        first = next(iter(fields.values()))[0] if fields else _("The data is not valid.")
        return error(request, 422, "invalid", first, fields)
    return error(request, 422, "invalid", " ".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def on_schema_validation(request, exc: NinjaValidationError):
    fields: dict[str, list] = {}
    malformed = False
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "form")]
        if err.get("type") in ("json_invalid", "model_attributes_type") and not loc:
            malformed = True
        fields.setdefault(".".join(loc) or "__all__", []).append(_api_message(err))
    if malformed:
        return error(request, 400, "bad_request", _("The request body is not valid JSON."))
    return error(request, 422, "invalid", _("Some values are missing or not valid."), fields)


def _api_message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return str(pgettext("api", "This field is required."))
    if kind.startswith(("int_", "float_", "decimal_")):
        return str(pgettext("api", "Enter a number."))
    if kind.startswith("date"):
        return str(_("Enter a date as YYYY-MM-DD."))
    if kind.startswith(("string_too_long",)):
        return str(_("The text is too long."))
    if kind in ("enum", "literal_error"):
        return str(_("Choose one of the allowed values."))
    return str(_("This value is not valid."))


@api.exception_handler(DomainError)
def on_domain(request, exc: DomainError):
    status = {"conflict": 409, "forbidden": 403}.get(exc.code, 422)
    code = {"conflict": "conflict", "forbidden": "forbidden"}.get(exc.code, "invalid")
    fields = {exc.field: [exc.message]} if exc.field else None
    return error(request, status, code, exc.message, fields)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc: PermissionDenied):
    return error(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found, or not yours to see."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Sign in, or send a valid API token: Authorization: Bearer …"))


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    response = error(request, 429, "throttled", _("Too many requests; wait a moment and try again."))
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400 and isinstance(exc.__cause__, DjangoValidationError):
        return on_validation(request, exc.__cause__)  # the body was JSON, but a value is refused
    if exc.status_code == 400:  # django-ninja could not read the body (its text is English)
        return error(request, 400, "bad_request", _("The request could not be read: send valid JSON."))
    code = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        413: "too_large",
        422: "invalid",
        429: "throttled",
    }.get(exc.status_code, "error")
    return error(request, exc.status_code, code, exc.message)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_unavailable(request, exc):
    """The database is away or the connection broke (a restart, a network cut). Django drops
    the broken connection after the request, so the next one reconnects."""
    log.warning("database unavailable during %s %s: %s", request.method, request.path, exc)
    response = error(request, 503, "unavailable", UNAVAILABLE)
    response["Retry-After"] = RETRY_AFTER
    return response


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    """Whatever else failed: still the API's shape, and the traceback in the log."""
    log.error("API request failed: %s %s", request.method, request.path, exc_info=exc)
    return error(request, 500, "error", FAILED)


REQUEST_TOO_LARGE = gettext_lazy("The request is too large.")


@cache
def register() -> NinjaAPI:
    """Mount every router once."""
    api.add_router("/", tokens.router)
    api.add_router("/", archive.router)
    api.add_router("/", rosters.router)
    api.add_router("/", benefits.router)
    api.add_router("/", platform.router)
    api.add_router("/", care.router)
    api.add_router("/", stats.router)
    return api
