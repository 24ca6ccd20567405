"""The accounts' files for download: the audit log as the auditor filtered it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core.xlsx import RosterWriter


def write_audit_log(path: str, entries: list) -> None:
    """The entries (``audit_display.decorate``d) on one sheet, newest first as given."""
    headers = (
        _("Time"),
        _("User"),
        _("Address"),
        _("Channel"),
        _("Action"),
        _("Object"),
        _("Record number"),
        _("Changes"),
        _("Details"),
    )

    with RosterWriter(path, sheet=str(_("Audit log"))) as out:
        out.header([str(h) for h in headers], [19, 12, 15, 10, 12, 30, 10, 50, 30])
        for e in entries:
            changes = "；".join(f"{label}：{before} → {after}" for label, before, after in e.rows)
            out.row(
                [
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_username,
                    e.ip_address or "",
                    e.get_via_display(),
                    e.get_action_display(),
                    f"{e.object_label} {e.object_repr}",
                    e.model_worker_id,
                    changes,
                    e.detail_text,
                ]
            )
