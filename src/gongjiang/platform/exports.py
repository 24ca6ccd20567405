"""The platform's files for download: the achievements of the units a user sees."""

from __future__ import annotations

from django.db.models import QuerySet

from gongjiang.core.xlsx import RosterWriter


def write_achievements(path: str, qs: QuerySet) -> None:
    """One row per achievement of ``qs`` (with its unit and person selected), in its order."""
    with RosterWriter(path, sheet="成果", title="三创成果") as out:
        out.header(
            [
                "单位",
                "层级",
                "类别",
                "名称",
                "年度",
                "级别",
                "主持/参与",
                "状态",
                "集体/个人",
                "颁发单位",
                "人员",
                "作废原因",
            ],
            [24, 12, 16, 36, 8, 10, 10, 10, 10, 20, 10, 20],
        )
        for a in qs.iterator(chunk_size=2000):
            out.row(
                [
                    a.unit.name,
                    a.unit.get_tier_display(),
                    a.get_kind_display(),
                    a.title,
                    a.year,
                    a.get_level_display(),
                    a.get_role_display(),
                    a.get_project_status_display(),
                    a.get_scope_display(),
                    a.issuer,
                    a.owner,
                    a.void_reason,
                ]
            )
