"""The tokens' response shape."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class TokenOut(Schema):
    # An ``ApiToken``; ``current`` compares it with the request's (in the context).
    id: int
    name: str
    prefix: str  # the token begins gj_<prefix>_; the rest is never shown again
    created_at: dt.datetime
    expires_on: dt.date | None
    last_used_at: dt.datetime | None
    last_used_ip: str | None
    revoked_at: dt.datetime | None
    active: bool
    current: bool  # the token this request came with

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active

    @staticmethod
    def resolve_current(obj, context) -> bool:
        current = getattr(context["request"], "api_token", None)
        return current is not None and current.pk == obj.pk
