"""The care page for a year: the figures from the records, and the article's sentences made of them
(「4月中下旬区总工会组织两批160名劳模免费体检」). Figures, not people: the same for every reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts.enums import OrganisationKind
from gongjiang.care.enums import CampaignKind, EventKind, InvitationState, NeedState, Occasion
from gongjiang.care.models import Batch, Event, Invitation, Need, Visit

CN = "零一两三四五六七八九十"


def count_word(n: int) -> str:
    """Small counts as the article writes them (两批); larger ones in figures."""
    return CN[n] if 0 < n <= 10 else str(n)


def _part(day: int) -> str:
    return "上" if day <= 10 else ("中" if day <= 20 else "下")


def when(dates: list[dt.date]) -> str:
    """「4月中下旬」 for batches within one month, 「5月、8月」 across months."""
    months = sorted({d.month for d in dates})
    if len(months) == 1:
        parts = "".join(p for p in "上中下" if p in {_part(d.day) for d in dates})
        return f"{months[0]}月{parts}旬"
    return "、".join(f"{m}月" for m in months)


@dataclass
class Programme:
    batches: int = 0
    invited: int = 0
    attended: int = 0
    working: int = 0
    dates: list[dt.date] = field(default_factory=list)


@dataclass
class EventRow:
    """One event of the year with the people invited (not waiting) and attended."""

    kind: str
    title: str
    topic: str
    starts_on: dt.date
    by_federation: bool
    invited: int
    attended: int


@dataclass
class EventTotals:
    events: int = 0
    invited: int = 0
    attended: int = 0


@dataclass
class CareYear:
    year: int
    checkups: Programme
    stays: Programme
    visits_by_occasion: dict[str, int]
    visits_focus: int
    people_visited: int
    needs_opened: int
    needs_resolved: int
    needs_overdue: int
    events: list[EventRow] = field(default_factory=list)

    @property
    def visits(self) -> int:
        return sum(self.visits_by_occasion.values())

    @property
    def events_by_kind(self) -> dict[str, EventTotals]:
        out = {k: EventTotals() for k in EventKind.values}
        for e in self.events:
            t = out[e.kind]
            t.events, t.invited, t.attended = t.events + 1, t.invited + e.invited, t.attended + e.attended
        return out

    @property
    def events_invited(self) -> int:
        return sum(e.invited for e in self.events)

    @property
    def events_attended(self) -> int:
        return sum(e.attended for e in self.events)


def _programme(kind: str, year: int, people: Q) -> Programme:
    out = Programme()
    out.dates = list(Batch.objects.filter(campaign__kind=kind, campaign__year=year).values_list("starts_on", flat=True))
    out.batches = len(out.dates)
    end = dt.date(year, 12, 31)
    row = Invitation.objects.filter(people, campaign__kind=kind, campaign__year=year).aggregate(
        invited=Count("id", filter=~Q(state=InvitationState.WAITING)),
        attended=Count("id", filter=Q(state=InvitationState.ATTENDED)),
        working=Count(
            "id",
            filter=Q(state=InvitationState.ATTENDED)
            & (
                Q(model_worker__retired_on__isnull=True, model_worker__status="working")
                | Q(model_worker__retired_on__gt=end)
            ),
        ),
    )
    out.invited, out.attended, out.working = row["invited"], row["attended"], row["working"]
    return out


def _events(year: int, unions: list[int] | None) -> list[EventRow]:
    """The year's events (one query); for a union's scope, its own events and those its people
    were invited to, counting its people only."""
    mine = Q() if unions is None else Q(invitations__model_worker__union_id__in=unions)
    qs = (
        Event.objects.filter(starts_on__year=year)
        .annotate(
            invited=Count("invitations", filter=mine & ~Q(invitations__state=InvitationState.WAITING)),
            attended=Count("invitations", filter=mine & Q(invitations__state=InvitationState.ATTENDED)),
        )
        .order_by("starts_on", "id")
        .values_list("kind", "title", "topic", "starts_on", "organiser__kind", "organiser_id", "invited", "attended")
    )
    return [
        EventRow(kind, title, topic, on, org_kind == OrganisationKind.FEDERATION, invited, attended)
        for kind, title, topic, on, org_kind, org, invited, attended in qs
        if unions is None or org in unions or invited
    ]


def care_year(year: int, today: dt.date | None = None, *, unions: list[int] | None = None) -> CareYear:
    """The year's figures; with ``unions`` (a grassroots user's scope) only of those unions' people,
    as the dashboard counts (the batches themselves are the federation's, shared by all)."""
    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    people = Q() if unions is None else Q(model_worker__union_id__in=unions)
    visits = Visit.objects.filter(people, visited_on__range=(start, end))
    by_occasion = dict(visits.values_list("occasion").annotate(n=Count("id")).order_by())
    v = visits.aggregate(
        focus=Count(
            "id",
            filter=Q(model_worker__in_hardship=True)
            | Q(model_worker__hardship_file__serious_illness=True)
            | Q(occasion__in=[Occasion.HARDSHIP, Occasion.ILLNESS]),
        ),
        people=Count("model_worker", distinct=True),
    )
    cutoff = min(today, end)
    n = Need.objects.filter(people).aggregate(
        opened=Count("id", filter=Q(raised_on__range=(start, end))),
        resolved=Count("id", filter=Q(state=NeedState.RESOLVED, resolved_on__range=(start, end))),
        overdue=Count(
            "id",
            filter=Q(raised_on__range=(start, end), deadline__lt=cutoff)
            & (Q(state=NeedState.OPEN) | Q(resolved_on__gt=cutoff)),
        ),
    )
    return CareYear(
        year=year,
        checkups=_programme(CampaignKind.CHECKUP, year, people),
        stays=_programme(CampaignKind.STAY, year, people),
        visits_by_occasion={o: by_occasion.get(o, 0) for o in Occasion.values},
        visits_focus=v["focus"],
        people_visited=v["people"],
        needs_opened=n["opened"],
        needs_resolved=n["resolved"],
        needs_overdue=n["overdue"],
        events=_events(year, unions),
    )


def sentences(data: CareYear) -> list[str]:
    """The year in the article's words, each sentence only when the records have it."""
    out = []
    c = data.checkups
    if c.attended:
        out.append(
            _("In %(when)s the federation organised %(batches)s batches of free check-ups for %(n)s model workers.")
            % {"when": when(c.dates), "batches": count_word(c.batches), "n": c.attended}
        )
    s = data.stays
    if s.attended:
        front = _("front-line ") if s.working == s.attended else ""
        if s.batches > 1:
            text = _("In %(when)s it sent %(batches)s batches of %(n)s %(front)smodel workers on recuperation stays.")
        else:
            text = _("In %(when)s it sent %(n)s %(front)smodel workers on a recuperation stay.")
        out.append(text % {"when": when(s.dates), "batches": count_word(s.batches), "n": s.attended, "front": front})
    if data.visits:
        labels = dict(Occasion.choices)
        parts = "、".join(
            _("%(occasion)s %(n)s") % {"occasion": labels[o], "n": n} for o, n in data.visits_by_occasion.items() if n
        )
        out.append(
            _(
                "It made %(n)s visits to %(people)s model workers (%(parts)s), %(focus)s of them to model "
                "workers in hardship or seriously ill."
            )
            % {"n": data.visits, "people": data.people_visited, "parts": parts, "focus": data.visits_focus}
        )
    out += event_sentences(data)
    if data.needs_opened or data.needs_resolved:
        out.append(
            _("It took up %(opened)s needs and resolved %(resolved)s; %(overdue)s are past their deadline.")
            % {"opened": data.needs_opened, "resolved": data.needs_resolved, "overdue": data.needs_overdue}
        )
    return out


def event_sentences(data: CareYear) -> list[str]:
    """Each of the federation's events in a sentence (「4月下旬召开“……”座谈会」,「组织劳模开展古运河一日游」);
    the grassroots unions' events of each kind summed up in one."""
    out = []
    for e in data.events:
        if not e.by_federation or not e.attended:
            continue
        values = {"when": when([e.starts_on]), "title": e.title, "topic": e.topic or e.title, "n": e.attended}
        if e.kind == EventKind.SYMPOSIUM:
            out.append(_("In %(when)s it held the symposium “%(topic)s”, attended by %(n)s model workers.") % values)
        elif e.kind == EventKind.OUTING:
            out.append(_("In %(when)s it took %(n)s model workers on the outing %(title)s.") % values)
        else:
            out.append(_("In %(when)s it held %(title)s, attended by %(n)s model workers.") % values)
    labels = dict(EventKind.choices)
    for kind in EventKind.values:
        held = [e for e in data.events if e.kind == kind and not e.by_federation and e.attended]
        if held:
            out.append(
                _("Grassroots unions held %(n)s %(kind)s events, attended %(people)s times by model workers.")
                % {"n": count_word(len(held)), "kind": labels[kind], "people": sum(e.attended for e in held)}
            )
    return out
