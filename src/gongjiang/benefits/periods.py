"""Periods of payment: a month, a quarter, a year, or one date. A period is named by its first day."""

from __future__ import annotations

import datetime as dt

from gongjiang.benefits.enums import SchemePeriod


def add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def start_of(day: dt.date, period: str, one_off: dt.date | None = None) -> dt.date:
    if period == SchemePeriod.MONTHLY:
        return day.replace(day=1)
    if period == SchemePeriod.QUARTERLY:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if period == SchemePeriod.YEARLY:
        return dt.date(day.year, 1, 1)
    return one_off or day


def next_start(start: dt.date, period: str) -> dt.date:
    if period == SchemePeriod.MONTHLY:
        return add_months(start, 1)
    if period == SchemePeriod.QUARTERLY:
        return add_months(start, 3)
    if period == SchemePeriod.YEARLY:
        return dt.date(start.year + 1, 1, 1)
    return start + dt.timedelta(days=1)


def end_of(start: dt.date, period: str) -> dt.date:
    return next_start(start, period) - dt.timedelta(days=1)


def between(first: dt.date, last: dt.date, period: str, one_off: dt.date | None = None) -> list[dt.date]:
    """The periods from the one holding ``first`` to the one holding ``last``."""
    if period == SchemePeriod.ONE_OFF:
        return [one_off] if one_off and first <= one_off <= last else []
    out = []
    p = start_of(first, period)
    while p <= last:
        out.append(p)
        p = next_start(p, period)
    return out


def label(start: dt.date, period: str) -> str:
    if period == SchemePeriod.MONTHLY:
        return f"{start.year}年{start.month}月"
    if period == SchemePeriod.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if period == SchemePeriod.YEARLY:
        return f"{start.year}年"
    return start.isoformat()


def short_label(start: dt.date, period: str) -> str:
    """For a chart's axis: 2026-01, 2026Q1, 2026."""
    if period == SchemePeriod.MONTHLY:
        return f"{start:%Y-%m}"
    if period == SchemePeriod.QUARTERLY:
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if period == SchemePeriod.YEARLY:
        return str(start.year)
    return start.isoformat()
