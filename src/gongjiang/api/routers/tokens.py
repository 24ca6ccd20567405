"""Tokens are made and revoked on the user's own page (see gongjiang.api.views); the API has
no endpoint that mints a token, so a leaked token cannot make more of itself."""

from ninja import Router

router = Router(tags=["账户"])
