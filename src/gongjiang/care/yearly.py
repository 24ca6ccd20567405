"""The care page for a year: the figures from the records, and the article's sentences made of them
(「4月中下旬区总工会组织两批160名劳模免费体检」). Figures, not people: the same for every reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.care.enums import CampaignKind, InvitationState, NeedState, Occasion
from gongjiang.care.models import Batch, Invitation, Need, Visit

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

    @property
    def visits(self) -> int:
        return sum(self.visits_by_occasion.values())


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
    if data.needs_opened or data.needs_resolved:
        out.append(
            _("It took up %(opened)s needs and resolved %(resolved)s; %(overdue)s are past their deadline.")
            % {"opened": data.needs_opened, "resolved": data.needs_resolved, "overdue": data.needs_overdue}
        )
    return out
