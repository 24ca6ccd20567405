"""Care files: the year's figures as .xlsx (sent through ``accounts.downloads.audited_download``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongjiang.care.enums import EventKind, Occasion
from gongjiang.care.yearly import CareYear, sentences
from gongjiang.core.xlsx import RosterWriter


def write_year(path: str, data: CareYear) -> None:
    with RosterWriter(path, sheet=_("Care"), title=_("Care in %(year)s") % {"year": data.year}) as out:
        out.header([_("Item"), _("Figure")], [40, 14])
        rows = [
            (_("Check-up batches"), data.checkups.batches),
            (_("Check-ups: invited"), data.checkups.invited),
            (_("Check-ups: attended"), data.checkups.attended),
            (_("Stay batches"), data.stays.batches),
            (_("Stays: invited"), data.stays.invited),
            (_("Stays: attended"), data.stays.attended),
            (_("Visits"), data.visits),
            *[(str(label), data.visits_by_occasion.get(value, 0)) for value, label in Occasion.choices],
            (_("Visits to people in hardship or seriously ill"), data.visits_focus),
            (_("Model workers visited"), data.people_visited),
            (_("Needs taken up"), data.needs_opened),
            (_("Needs resolved"), data.needs_resolved),
            (_("Needs past their deadline"), data.needs_overdue),
        ]
        by_kind = data.events_by_kind
        for value, label in EventKind.choices:
            t = by_kind[value]
            rows += [
                (_("%(kind)s: events") % {"kind": label}, t.events),
                (_("%(kind)s: invited") % {"kind": label}, t.invited),
                (_("%(kind)s: attended") % {"kind": label}, t.attended),
            ]
        for label, n in rows:
            out.row([str(label), n])
        out.row(["", ""])
        for sentence in sentences(data):
            out.row([sentence, ""])
