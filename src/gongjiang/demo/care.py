"""Demo care: the article's 2016 — 「4月中下旬区总工会组织两批160名劳模免费体检」, 「分别于5月、8月组织两批
60名基层一线的劳模先进进行疗休养」, the Spring Festival and May Day visits focused on the model workers
in hardship and the seriously ill, the needs taken up at them — and every year since up to today.

Check-ups and stays choose their people the way the rules do: each year's campaign asks the real
suggestion selector (``care.selectors.suggestions``: the rule in effect, its order, the reason
in words) once, after the years before it are written, and takes the first who are alive and
titled on the batch's days (the stays: front-line and working through the year). A few decline
and the first on the waiting list takes the place; ``Batch.taken`` is the invitations holding a
place, as the services keep it. A batch that has not ended by ``today`` has its invitations and
no attendance. Visits and needs are in ``demo.care_visits``.

Everything is inserted in bulk (a few statements a year), with one audit entry per load.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction, OrganisationKind
from gongjiang.accounts.models import Organisation, User
from gongjiang.accounts.permissions import SYSTEM
from gongjiang.archive.enums import MODEL_WORKER_KINDS, MUNICIPAL_AND_ABOVE, Status, Verification
from gongjiang.archive.models import HardshipFile, HardshipSpell, Honour, ModelWorker
from gongjiang.care.enums import HOLDS_PLACE, CampaignKind, InvitationState
from gongjiang.care.models import Batch, Campaign, Invitation, Need, Visit, VisitPlan
from gongjiang.care.selectors import suggestions
from gongjiang.demo import care_visits
from gongjiang.demo.care_visits import at

ARTICLE_YEAR = 2016
CHECKUP_PLACES = ("无锡市第二人民医院体检中心", "无锡市人民医院健康管理中心")
STAY_PLACE = "江苏省总工会疗休养基地（宜兴）"
PROGRAMME = "心理健康辅导讲座；饮食健康指导讲座；竹海、陶瓷博物馆参观；劳模座谈交流"
FOLLOW_UP_NOTES = (
    "建议专科复查，已电话提醒本人",
    "建议三个月后复查，走访时了解落实情况",
    "需复查，已协助预约门诊",
    "建议定期随访，已告知家属",
)


# --- The people, read once -------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the demo's care needs to know of a verified record, answered for any day."""

    pk: int
    union_id: int
    born: dt.date
    status: str
    retired_on: dt.date | None
    died_on: dt.date | None
    front_line: bool
    titles: tuple[tuple[int, dt.date | None], ...]  # (year, revoked on) of municipal+ titles
    spells: tuple[tuple[dt.date, dt.date | None], ...]  # hardship: (entered, left)
    ill: tuple[dt.date, dt.date | None] | None  # a hardship file with a serious illness: (opened, closed)

    def alive(self, day: dt.date) -> bool:  # care.selectors.alive_on
        return (self.died_on is None and self.status != Status.DECEASED) or (
            self.died_on is not None and self.died_on > day
        )

    def working(self, day: dt.date) -> bool:  # not care.selectors._retired_on
        if self.retired_on is not None:
            return self.retired_on > day
        return self.status == Status.WORKING

    def titled(self, day: dt.date) -> bool:  # care.selectors.titled_in(day.year, day)
        return any(year <= day.year and (revoked is None or revoked > day) for year, revoked in self.titles)

    def in_hardship(self, day: dt.date) -> bool:
        return any(entered <= day and (left is None or left > day) for entered, left in self.spells)

    def seriously_ill(self, day: dt.date) -> bool:
        return self.ill is not None and self.ill[0] <= day and (self.ill[1] is None or self.ill[1] > day)

    def age(self, day: dt.date) -> int:
        return day.year - self.born.year - ((day.month, day.day) < (self.born.month, self.born.day))


def load_people() -> dict[int, Person]:
    """The verified records in the archive with their titles, hardship spells and illness (four queries)."""
    titles: dict[int, list] = defaultdict(list)
    for pk, year, revoked in Honour.objects.filter(
        kind__in=MODEL_WORKER_KINDS, level__in=MUNICIPAL_AND_ABOVE, voided_at__isnull=True
    ).values_list("model_worker_id", "year", "revoked_on"):
        titles[pk].append((year, revoked))
    spells: dict[int, list] = defaultdict(list)
    for pk, entered, left in HardshipSpell.objects.values_list("model_worker_id", "entered_on", "left_on"):
        spells[pk].append((entered, left))
    ill = {
        pk: (opened, closed)
        for pk, opened, closed in HardshipFile.objects.filter(serious_illness=True).values_list(
            "model_worker_id", "established_on", "ended_on"
        )
    }
    rows = ModelWorker.objects.filter(archived_at__isnull=True, verification=Verification.CONFIRMED).values_list(
        "pk", "union_id", "birth_date", "status", "retired_on", "died_on", "front_line"
    )
    return {
        pk: Person(pk, union, born, status, retired, died, front, tuple(titles[pk]), tuple(spells[pk]), ill.get(pk))
        for pk, union, born, status, retired, died, front in rows
    }


# --- Check-ups and stays ---------------------------------------------------------------------


@dataclass(frozen=True)
class BatchPlan:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int


def _monday_from(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=-day.weekday() % 7)


def checkup_batches(year: int) -> list[BatchPlan]:
    """Two batches in mid and late April, three days each (2016: 18–20 and 25–27 April, 80 places each)."""
    first = _monday_from(dt.date(year, 4, 14))
    places = 80 if year == ARTICLE_YEAR else 80 + 5 * (year % 3)
    second = first + dt.timedelta(days=7)
    return [
        BatchPlan("第一批", first, first + dt.timedelta(days=2), places),
        BatchPlan("第二批", second, second + dt.timedelta(days=2), places),
    ]


def stay_batches(year: int) -> list[BatchPlan]:
    """A week in May and a week in August, 30 places each; 2020 one batch in September only."""
    week = dt.timedelta(days=6)
    if year == 2020:
        sept = _monday_from(dt.date(year, 9, 7))
        return [BatchPlan("第一批", sept, sept + week, 30)]
    may, aug = _monday_from(dt.date(year, 5, 10)), _monday_from(dt.date(year, 8, 10))
    return [BatchPlan("第一批", may, may + week, 30), BatchPlan("第二批", aug, aug + week, 30)]


def stay_cost(year: int) -> Decimal:
    return Decimal("2600.00") + Decimal(100) * (year - ARTICLE_YEAR)


@dataclass
class Made:
    campaigns: int = 0
    batches: int = 0
    invitations: int = 0


def play_campaigns(*, today: dt.date, staff: User, people: dict[int, Person], rng: random.Random) -> Made:
    """A check-up and a stay campaign each year from 2016 to ``today``'s year."""
    years = range(ARTICLE_YEAR, today.year + 1)
    plans = {CampaignKind.CHECKUP: checkup_batches, CampaignKind.STAY: stay_batches}
    titles = {CampaignKind.CHECKUP: "%s年劳模健康体检", CampaignKind.STAY: "%s年劳模疗休养"}
    campaigns = Campaign.objects.bulk_create(
        [
            Campaign(kind=kind, year=y, title=titles[kind] % y, created_by=staff)
            for y in years
            for kind in (CampaignKind.CHECKUP, CampaignKind.STAY)
        ]
    )
    batches: dict[int, list[Batch]] = {}
    rows = []
    for campaign in campaigns:
        mine = []
        for plan in plans[campaign.kind](campaign.year):
            stay = campaign.kind == CampaignKind.STAY
            mine.append(
                Batch(
                    campaign=campaign,
                    name=plan.name,
                    starts_on=plan.starts_on,
                    ends_on=plan.ends_on,
                    place=STAY_PLACE if stay else CHECKUP_PLACES[campaign.year % 2],
                    capacity=plan.capacity,
                    cost_per_person=stay_cost(campaign.year) if stay else None,
                    programme=PROGRAMME if stay else "",
                    created_by=staff,
                )
            )
        batches[campaign.pk] = mine
        rows += mine
    Batch.objects.bulk_create(rows)
    made = Made(campaigns=len(campaigns), batches=len(rows))
    invited_before: dict[str, set[int]] = {kind: set() for kind in plans}
    for campaign in campaigns:  # year by year: the selector reads the years before
        mine = batches[campaign.pk]
        invitations = _invite(campaign, mine, staff, people, invited_before[campaign.kind], today, rng)
        Invitation.objects.bulk_create(invitations, batch_size=2000)
        invited_before[campaign.kind] = {inv.model_worker_id for inv in invitations}
        for batch in mine:
            batch.taken = sum(inv.state in HOLDS_PLACE for inv in invitations if inv.batch is batch)
        made.invitations += len(invitations)
    Batch.objects.bulk_update(rows, ["taken"])
    return made


def _candidates(campaign, batches, staff, people, invited_before) -> list[tuple[int, str]]:
    """The selector's suggestions, in its order, who can come to every batch of the campaign:
    alive and titled on its days (a stay: front-line and working to the end of the year); a
    retired person invited last year (every two years) is not invited again."""
    total = sum(b.capacity for b in batches)
    wanted = total + total // 4 + 20  # the declined places, and the few the checks below leave out
    _rule, suggested = suggestions(staff, campaign, limit=wanted)
    year_end = dt.date(campaign.year, 12, 31)
    out = []
    for s in suggested:
        p = people.get(s.person.pk)
        if p is None or not all(p.titled(b.starts_on) and p.alive(b.ends_on) for b in batches):
            continue
        if campaign.kind == CampaignKind.STAY and not (p.front_line and p.working(year_end) and p.alive(year_end)):
            continue
        if p.pk in invited_before and not p.working(batches[0].starts_on):
            continue
        out.append((p.pk, s.reason))
    return out


def _invite(campaign, batches, staff, people, invited_before, today, rng) -> list[Invitation]:
    """Each batch filled from the candidates in order. A batch held by ``today``: a few declined
    and the first on the waiting list took each place; then everyone came (2016, as the
    article tells it) or a few did not. Not held yet: invited, some accepted, a waiting list."""
    candidates = iter(_candidates(campaign, batches, staff, people, invited_before))
    checkup = campaign.kind == CampaignKind.CHECKUP
    article = campaign.year == ARTICLE_YEAR
    out: list[Invitation] = []
    for batch in batches:
        sent = batch.starts_on - dt.timedelta(days=30)
        invited = [c for _i, c in zip(range(batch.capacity), candidates, strict=False)]
        held = batch.ends_on <= today
        declines = (2 if batch.name == "第一批" else 3) if checkup else (1 if not article else 0)
        waiting = [c for _i, c in zip(range(declines), candidates, strict=False)]
        declined = set(rng.sample(range(len(invited)), min(declines, len(invited)))) if held else set()
        absent = set() if article or not held else set(rng.sample(range(len(invited)), min(2, len(invited))))

        def invitation(pk, reason, state, *, answered=None, since=None, b=batch):
            return Invitation(
                campaign=campaign,
                batch=b,
                model_worker_id=pk,
                state=state,
                reason=reason[:300],
                waiting_since=since,
                answered_at=answered,
                invited_by=staff,
            )

        for i, (pk, reason) in enumerate(invited):
            if not held:
                state = InvitationState.ACCEPTED if sent <= today and i % 3 == 0 else InvitationState.INVITED
                out.append(
                    invitation(pk, reason, state, answered=at(sent) if state != InvitationState.INVITED else None)
                )
            elif i in declined:
                out.append(invitation(pk, reason, InvitationState.DECLINED, answered=at(sent + dt.timedelta(days=5))))
            else:
                state = InvitationState.ABSENT if i in absent - declined else InvitationState.ATTENDED
                out.append(invitation(pk, reason, state, answered=at(sent + dt.timedelta(days=3))))
        for j, (pk, reason) in enumerate(waiting[: len(declined)] if held else waiting):
            since = at(sent + dt.timedelta(days=1), hour=9 + j)
            if held:  # promoted to a declined place, and came
                out.append(
                    invitation(
                        pk, reason, InvitationState.ATTENDED, since=since, answered=at(sent + dt.timedelta(days=7))
                    )
                )
            else:
                out.append(invitation(pk, reason, InvitationState.WAITING, since=since))
    if checkup:
        came = [inv for inv in out if inv.state == InvitationState.ATTENDED]
        for inv in rng.sample(came, len(came) // 20):
            inv.follow_up, inv.follow_up_note = True, rng.choice(FOLLOW_UP_NOTES)
    return out


# --- The whole of it -------------------------------------------------------------------------


@transaction.atomic
def play_care(*, today: dt.date, seed: int = 2016) -> int:
    """Check-ups, stays, visits and needs from 2016 to ``today`` (none again when the demo already
    has care records); returns how many campaigns were made."""
    if today.year < ARTICLE_YEAR or any(m.objects.exists() for m in (Campaign, VisitPlan, Visit, Need)):
        return 0
    federation = Organisation.objects.filter(kind=OrganisationKind.FEDERATION).order_by("pk").first()
    staff = User.objects.filter(username="staff").first()
    if federation is None or staff is None:
        return 0
    union_user = User.objects.filter(username="union").first()
    rng = random.Random(seed)
    people = load_people()
    made = play_campaigns(today=today, staff=staff, people=people, rng=rng)
    record(
        actor=SYSTEM,
        action=AuditAction.CREATE,
        object_type="care.campaign",
        object_repr=f"演示数据：{made.campaigns}个体检和疗休养项目",
        detail={"rows": made.campaigns, "batches": made.batches, "invitations": made.invitations},
    )
    care_visits.play_visits(
        today=today, federation=federation, staff=staff, union_user=union_user, people=people, rng=rng
    )
    return made.campaigns
