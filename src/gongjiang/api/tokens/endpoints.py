"""The caller's own tokens: list them and revoke one (say, a token that has leaked)."""

from __future__ import annotations

from gongjiang.api import services
from gongjiang.api.common import ERRORS, WRITE_ERRORS
from gongjiang.api.models import ApiToken
from gongjiang.api.tokens.common import get_token, router
from gongjiang.api.tokens.schemas import TokenOut


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="我的 API 令牌（不含令牌本身）")
def tokens(request):
    return list(ApiToken.objects.filter(user=request.user))


@router.post(
    "/tokens/{int:token_id}/revoke",
    response={200: TokenOut, **WRITE_ERRORS},
    summary="吊销本人的一个令牌（立即失效，记入审计日志）",
)
def revoke(request, token_id: int):
    return services.revoke_token(actor=request.user, token=get_token(request, token_id))
