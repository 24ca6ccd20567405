"""The treatment files for download: the 按时足额 report and the totals of a scheme. (The bank
file and the receipt sheet are the batch's own, in ``bankfile``.)"""

from __future__ import annotations

from decimal import Decimal

from gongjiang.benefits import reports
from gongjiang.benefits.enums import ReportStatus
from gongjiang.core.xlsx import RosterWriter

STATUS_LABELS = dict(ReportStatus.choices)  # lazy: read when a page renders, in its language


def write_on_time_report(path: str, scheme, args, result, *, everything: bool) -> None:
    """The totals on one sheet; the person-periods of ``result`` on another (the problems, or
    with ``everything`` every person-period). ``args`` is the report's (scheme, first, last)."""
    with RosterWriter(path, sheet="汇总", title=f"{scheme} 按时足额核查") as out:
        out.header(["情况", "人次·期", "应发", "已发", "欠发", "多发"], [14, 10, 14, 14, 14, 14])
        for status in reports.STATUSES:
            t = result.totals[status]
            out.row([str(STATUS_LABELS[status]), t["n"], t["due"], t["paid"], t["owed"], t["over"]])
        out.row(
            [
                "合计",
                result.person_periods,
                *[sum((t[k] for t in result.totals.values()), Decimal(0)) for k in ("due", "paid", "owed", "over")],
            ]
        )
        out.row([])
        out.row([f"{scheme} · {scheme.period_label(args[1])} 至 {scheme.period_label(args[2])}"])
        out.sheet("全部明细" if everything else "未按时足额")
        out.header(
            [
                "档案号",
                "姓名",
                "期间",
                "应发",
                "已发",
                "发放中",
                "首次发放日期",
                "最后发放日期",
                "情况",
                "欠发",
                "多发",
                "依据",
            ],
            [9, 10, 12, 10, 10, 10, 12, 12, 10, 10, 10, 40],
        )
        for r in result.rows:
            out.row(
                [
                    r.worker_id,
                    r.name,
                    scheme.period_label(r.period),
                    r.due,
                    r.paid,
                    r.pending,
                    r.first_paid,
                    r.last_paid,
                    str(STATUS_LABELS[r.status]),
                    r.owed,
                    r.over,
                    r.words,
                ]
            )


def write_totals(path: str, scheme, span, data) -> None:
    """What was paid in each period of ``span``, by level (``reports.totals``)."""
    with RosterWriter(path, sheet="发放汇总", title=str(scheme)) as out:
        out.header(["期间", "全国", "省（部）级", "市级", "区级", "合计"], [12, 12, 12, 12, 12, 14])
        for p in span:
            row = data.get(p, {})
            out.row([scheme.period_label(p), *[row.get(lv, 0) for lv in (1, 2, 3, 4)], sum(row.values(), 0)])
