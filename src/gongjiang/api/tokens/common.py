"""The tokens' router and fetch."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router

from gongjiang.api.models import ApiToken

router = Router(tags=["账户"])


def get_token(request, pk: int) -> ApiToken:
    """One of the caller's own tokens."""
    return get_object_or_404(ApiToken, pk=pk, user=request.user)
