"""The dashboard's figures and the platform's statistics."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, require

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

    require(request, Perm.VIEW_DASHBOARD)
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

    require(request, Perm.VIEW_PLATFORM)
    data = selectors.overview(timezone.localdate())
    c, r = data["counts"], data["results"]
    progress = data["progress"]
    return {
        "studios": c["studio"],
        "star_posts": c["star_post"],
        "standard_bearers": c["standard_bearer"],
        "sentence": data["sentence"],
        "results": r,
        "results_sentence": data["results_sentence"],
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
