"""The dashboard's figures and the platform's statistics."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, require
from gongjiang.api.stats.common import router
from gongjiang.api.stats.schemas import DashboardOut, PlatformStatsOut, PlatformStatsQuery
from gongjiang.platform import selectors
from gongjiang.reports import stats


@router.get("/stats/dashboard", response={200: DashboardOut, **ERRORS}, summary="数据概览（可指定日期）")
def dashboard(request, as_of: dt.date | None = None):

    require(request, Perm.VIEW_DASHBOARD)
    return stats.api_summary(request.user, as_of or timezone.localdate())


@router.get("/stats/platform", response={200: PlatformStatsOut, **ERRORS}, summary="“三创”平台统计（今天或某年底）")
def platform(request, q: Query[PlatformStatsQuery]):

    require(request, Perm.VIEW_PLATFORM)
    today = timezone.localdate()
    year = q.year if q.year is not None and q.year < today.year else None
    return selectors.overview(today, year=year, results_from=q.results_from, results_to=q.results_to)
