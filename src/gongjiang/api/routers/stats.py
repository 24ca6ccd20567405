"""The dashboard's figures and the platform's statistics."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema

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


class PlatformStatsQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年底（过去的年份）；不填为今天")
    results_from: int | None = Field(None, ge=1949, le=2100, description="成果统计起始年份")
    results_to: int | None = Field(None, ge=1949, le=2100, description="成果统计截止年份；不填为所示年份")


class PlatformStatsOut(Schema):
    year: int | None
    results_from: int | None
    results_to: int | None
    studios: int
    star_posts: int
    standard_bearers: int
    sentence: str
    results: dict[str, int]
    results_sentence: str
    units_by_year: dict[int, dict[str, int]]
    target: dict | None


@router.get("/stats/platform", response={200: PlatformStatsOut, **ERRORS}, summary="“三创”平台统计（今天或某年底）")
def platform(request, q: Query[PlatformStatsQuery]):
    from gongjiang.platform import selectors

    require(request, Perm.VIEW_PLATFORM)
    today = timezone.localdate()
    year = q.year if q.year is not None and q.year < today.year else None
    data = selectors.overview(today, year=year, results_from=q.results_from, results_to=q.results_to)
    c, r = data["counts"], data["results"]
    progress = data["progress"]
    return {
        "year": data["year"],
        "results_from": data["results_from"],
        "results_to": data["results_to"],
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
