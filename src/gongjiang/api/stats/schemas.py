"""The statistics' request and response shapes, each field declared once."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class DashboardOut(Schema):
    as_of: dt.date
    sentence: str
    total: int
    by_level: dict[str, int]
    by_status: dict[str, int]
    by_union: list[dict]
    honours_by_year: list[dict]
    in_hardship: int | None


class PlatformStatsQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2100, description="年底（过去的年份）；不填为今天")
    results_from: int | None = Field(None, ge=1949, le=2100, description="成果统计起始年份")
    results_to: int | None = Field(None, ge=1949, le=2100, description="成果统计截止年份；不填为所示年份")


class PlatformStatsOut(Schema):
    # ``platform.selectors.overview``.
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

    @staticmethod
    def resolve_studios(obj) -> int:
        return obj["counts"]["studio"]

    @staticmethod
    def resolve_star_posts(obj) -> int:
        return obj["counts"]["star_post"]

    @staticmethod
    def resolve_standard_bearers(obj) -> int:
        return obj["counts"]["standard_bearer"]

    @staticmethod
    def resolve_units_by_year(obj) -> dict:
        return obj["years"]

    @staticmethod
    def resolve_target(obj) -> dict | None:
        progress = obj["progress"]
        if progress is None:
            return None
        return {
            "name": progress.target.name,
            "first_year": progress.target.first_year,
            "last_year": progress.target.last_year,
            "studios": progress.target.studios,
            "star_posts": progress.target.star_posts,
            "standard_bearers": progress.target.standard_bearers,
            "reached_percent": progress.percents,
        }
