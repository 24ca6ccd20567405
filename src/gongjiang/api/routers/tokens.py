"""The caller's own tokens: list them and revoke one (say, a token that has leaked). Tokens are
made only on the user's own page (see gongjiang.api.views): the API has no endpoint that mints
a token, so a leaked token cannot make more of itself."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from gongjiang.api import services
from gongjiang.api.common import ERRORS, WRITE_ERRORS
from gongjiang.api.models import ApiToken

router = Router(tags=["账户"])


class TokenOut(Schema):
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


def token_out(request, t: ApiToken) -> dict:
    current = getattr(request, "api_token", None)
    return {
        "id": t.pk,
        "name": t.name,
        "prefix": t.prefix,
        "created_at": t.created_at,
        "expires_on": t.expires_on,
        "last_used_at": t.last_used_at,
        "last_used_ip": t.last_used_ip,
        "revoked_at": t.revoked_at,
        "active": t.is_active,
        "current": current is not None and current.pk == t.pk,
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="我的 API 令牌（不含令牌本身）")
def tokens(request):
    return [token_out(request, t) for t in ApiToken.objects.filter(user=request.user)]


@router.post(
    "/tokens/{int:token_id}/revoke",
    response={200: TokenOut, **WRITE_ERRORS},
    summary="吊销本人的一个令牌（立即失效，记入审计日志）",
)
def revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    return token_out(request, services.revoke_token(actor=request.user, token=token))
