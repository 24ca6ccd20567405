"""The rosters' files for download: the rejected rows of an import, to fix and import again."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.downloads import audited_download
from gongjiang.accounts.enums import AuditAction
from gongjiang.core.xlsx import RosterWriter
from gongjiang.rosters import services
from gongjiang.rosters.models import ImportRow, RosterImport, RowAction


def write_errors(ri: RosterImport, path: str) -> int:
    """The rejected rows as they were, with a reason column, ready to fix and import again."""
    rows = ImportRow.objects.filter(roster_import=ri, action=RowAction.REJECT).order_by("id")
    # From a workbook of several sheets, each row says which sheet it is on.
    several = len(services.sheets_read(ri)) > 1
    where = [str(_("Sheet"))] if several else []
    n = 0
    with RosterWriter(path, sheet=str(_("Rows to fix"))) as out:
        out.header(
            [*where, str(_("Row")), *[h or "" for h in ri.headers], str(_("Reason"))],
            [*[14] * len(where), 6, *[14] * len(ri.headers), 60],
        )
        for row in rows.iterator(chunk_size=2000):
            reason = "；".join(f"{p['column']}：{p['message']}" for p in row.problems)
            out.row([*([row.sheet] if several else []), row.row_number, *row.cells, reason])
            n += 1
    return n


def errors_download(user, ri: RosterImport):
    """The rejected rows as they were, with a reason column (page and API); the download is audited."""
    if not ri.counts.get(RowAction.REJECT):
        raise Http404
    return audited_download(
        lambda path: write_errors(ri, path),
        f"需修改的行-{ri.pk}-{timezone.localtime():%Y%m%d}.xlsx",
        actor=user,
        action=AuditAction.DOWNLOAD,
        obj=ri,
        detail={"file": "errors"},
    )
