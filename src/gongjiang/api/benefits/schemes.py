"""Schemes (待遇项目) and their rules."""

from __future__ import annotations

from gongjiang.api.benefits.common import get_scheme, require_benefits, router
from gongjiang.api.benefits.schemas import SchemeOut
from gongjiang.api.common import ERRORS
from gongjiang.benefits.models import Scheme


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, summary="待遇项目（含各期标准）")
def schemes(request):
    require_benefits(request)
    return list(Scheme.objects.prefetch_related("rules").order_by("-is_active", "kind", "name"))


@router.get("/schemes/{int:scheme_id}", response={200: SchemeOut, **ERRORS}, summary="一个待遇项目")
def scheme(request, scheme_id: int):
    return get_scheme(request, scheme_id)
