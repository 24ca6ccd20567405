"""The dashboard's figures and the platform's statistics."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gongjiang.accounts import permissions
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS

router = Router(tags=["统计"])


class DashboardOut(Schema):
    as_of: dt.date
    sentence: str
    total: int
    by_level: dict[str, int]
    by_status: dict[str, int]
    by_union: list[dict]
    honours_by_year: list[dict]
    in_hardship: int | None


@router.get("/stats/dashboard", response={200: DashboardOut, **ERRORS}, summary="数据概览（可指定日期）")
def dashboard(request, as_of: dt.date | None = None):
    from gongjiang.reports import stats

    if not permissions.has_perm(request.user, Perm.VIEW_DASHBOARD):
        raise PermissionDenied(_("You may not do this."))
    return stats.api_summary(request.user, as_of or timezone.localdate())


class PlatformStatsOut(Schema):
    studios: int
    star_posts: int
    standard_bearers: int
    sentence: str
    results: dict[str, int]
    results_sentence: str
    units_by_year: dict[int, dict[str, int]]
    target: dict | None


@router.get("/stats/platform", response={200: PlatformStatsOut, **ERRORS}, summary="“三创”平台统计")
def platform(request):
    from gongjiang.platform import selectors

    if not permissions.has_perm(request.user, Perm.VIEW_PLATFORM):
        raise PermissionDenied(_("You may not do this."))
    data = selectors.overview(timezone.localdate())
    c, r = data["counts"], data["results"]
    progress = data["progress"]
    return {
        "studios": c["studio"],
        "star_posts": c["star_post"],
        "standard_bearers": c["standard_bearer"],
        "sentence": (
            f"全区已建立 {c['studio']} 个工作室、{c['star_post']} 个星级示范岗和 {c['standard_bearer']} 个标兵。"
        ),
        "results": r,
        "results_sentence": (
            f"主持或完成各级课题 {r['projects']} 项，完成自主开发新产品、技术 {r['products']} 项，"
            f"获得各类科技奖项 {r['awards']} 项，获得集体、个人荣誉 {r['honours']} 次。"
        ),
        "units_by_year": data["years"],
        "target": None
        if progress is None
        else {
            "name": progress.target.name,
            "first_year": progress.target.first_year,
            "last_year": progress.target.last_year,
            "studios": progress.target.studios,
            "star_posts": progress.target.star_posts,
            "standard_bearers": progress.target.standard_bearers,
            "reached_percent": progress.percents,
        },
    }
