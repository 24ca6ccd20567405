"""Who am I, and the organisations the user may see."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from gongjiang.accounts import permissions
from gongjiang.accounts.models import Organisation
from gongjiang.api.archive.common import router
from gongjiang.api.archive.schemas import MeOut, OrganisationOut
from gongjiang.api.common import ERRORS


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户与权限", tags=["账户"])
def me(request):
    return request.user


def _organisations(user):
    qs = Organisation.objects.order_by("sort_order", "name")
    scope = permissions.union_scope(user)
    if scope is None:
        return qs
    own = [user.organisation_id] if user.organisation_id else []
    return qs.filter(pk__in=[*scope, *own])


def _organisation(request, pk: int) -> Organisation:
    return get_object_or_404(_organisations(request.user), pk=pk)


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS},
    summary="组织机构（本人可见范围）",
    tags=["组织机构"],
)
def organisations(request):
    return list(_organisations(request.user))


@router.get(
    "/organisations/{int:org_id}", response={200: OrganisationOut, **ERRORS}, summary="一个组织机构", tags=["组织机构"]
)
def organisation(request, org_id: int):
    return _organisation(request, org_id)
