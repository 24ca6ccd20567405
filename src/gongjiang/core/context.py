"""Who is acting, from where: set once per request (or command) and read by the audit log.

Services take the acting user explicitly; the address and the channel (web, API, command,
task) are facts of the request, so they travel in a context variable instead of through
every service signature.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    via: str = "system"
    token_id: int | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "gongjiang_request_context",
    default=RequestContext(),  # noqa: B039 (a frozen dataclass: immutable)
)


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def acting(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def attribute_to_token(token_id: int) -> None:
    """Name the API token acting in this request; the request's ``acting`` block undoes it."""
    _current.set(dataclasses.replace(_current.get(), token_id=token_id))


def client_ip(request) -> str | None:
    # Behind the federation's reverse proxy the real address is the last hop the proxy added;
    # PROXY_COUNT says how many proxies to trust. Without a proxy REMOTE_ADDR is the truth.

    count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None
