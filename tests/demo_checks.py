"""Checks that the demo's people and honours tell one consistent history. They take plain rows,
so the same checks run over a generated plan (no database) and over the loaded demo.

Each returns the list of what is wrong, in words; a test asserts the list is empty, so a
failure names every offender at once."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from gongjiang.archive.enums import MODEL_WORKER_KINDS, HonourKind, Level, Status
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.benefits import entitlement
from gongjiang.benefits.enums import SchemeKind
from gongjiang.benefits.models import LedgerEntry, Scheme
from gongjiang.demo.data import (
    LEVEL_WORDS,
    TITLES,
    TRADES,
    award_years,
    employer_kind,
    grades_for,
    retirement_date,
    retirement_rule,
    round_date,
)
from gongjiang.demo.platform_data import AWARDS, START
from gongjiang.platform import evaluation
from gongjiang.platform.enums import (
    AchievementKind,
    CaseKind,
    CaseState,
    EventKind,
    InspectionState,
    MentorshipState,
    PlanState,
    ProjectStatus,
    RoundState,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import (
    Achievement,
    Case,
    Disbursement,
    Evaluation,
    EvaluationRound,
    FundingPlan,
    Inspection,
    Mentorship,
    PlatformPolicy,
    TierSpan,
    Unit,
    UnitEvent,
    UnitHave,
)


@dataclass(frozen=True)
class Person:
    id: int
    sex: str
    birth: dt.date
    status: str
    retired_on: dt.date | None
    died_on: dt.date | None
    union_id: int
    employer: str
    employer_union_id: int | None
    position: str
    grade: str
    highest_level: int

    @property
    def cadre(self) -> bool:
        kind = employer_kind(self.employer)
        return dict(TRADES[kind].posts).get(self.position, False) if kind else False


@dataclass(frozen=True)
class Title:
    person: int
    kind: str
    level: int
    year: int
    title: str
    body: str
    revoked_on: dt.date | None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def level_held(titles: list[Title], year: int) -> int:
    """The highest model-worker level held at the end of ``year`` (the dashboard's rule)."""
    end = dt.date(year, 12, 31)
    held = [
        t.level
        for t in titles
        if t.kind in MODEL_WORKER_KINDS and t.year <= year and (t.revoked_on is None or t.revoked_on > end)
    ]
    return min(held, default=Level.NONE)


def statuses_follow_dates(people: list[Person], today: dt.date) -> list[str]:
    """Retired at the statutory age for their sex and post (the 2025 reform included) and only
    once that day has come; dead only on a past day, and never retired after it."""
    wrong = []
    for p in people:
        due = retirement_date(p.birth, p.sex == "M", p.cadre)
        age = retirement_rule(p.sex == "M", p.cadre)[0]
        if due < add_years(p.birth, age):
            wrong.append(f"{p.id}: the reform brought retirement forward ({due})")
        if p.status == Status.WORKING:
            if p.retired_on or p.died_on or due <= today:
                wrong.append(f"{p.id}: working, but retired {p.retired_on} / died {p.died_on} / due {due}")
        elif p.status == Status.RETIRED:
            if p.retired_on != due or p.retired_on > today or p.died_on:
                wrong.append(f"{p.id}: retired on {p.retired_on}, due {due}, died {p.died_on}")
        elif p.status == Status.DECEASED:
            if p.died_on is None or p.died_on >= today:
                wrong.append(f"{p.id}: deceased on {p.died_on}")
            elif p.retired_on is not None and (p.retired_on != due or p.retired_on >= p.died_on):
                wrong.append(f"{p.id}: retired on {p.retired_on} (due {due}), died on {p.died_on}")
            elif p.retired_on is None and due < p.died_on:
                wrong.append(f"{p.id}: died on {p.died_on} after the retirement due on {due}, never retired")
    return wrong


def honours_fit_lives(people: list[Person], titles: list[Title], today: dt.date) -> list[str]:
    """Every title in a round of its level and kind held by today, at 18 or older, while the
    person was working and alive; a revocation after the award and before death."""
    by_id = {p.id: p for p in people}
    wrong = []
    for t in titles:
        p = by_id[t.person]
        held_on = round_date(t.year)
        if t.year not in award_years(t.level, t.kind, today):
            wrong.append(f"{p.id}: {t.title} in {t.year}, not a round of its level")
        if held_on < add_years(p.birth, 18):
            wrong.append(f"{p.id}: {t.title} in {t.year}, born {p.birth}: under 18")
        if p.died_on is not None and held_on >= p.died_on:
            wrong.append(f"{p.id}: {t.title} in {t.year}, after death on {p.died_on}")
        if p.retired_on is not None and held_on >= p.retired_on:
            wrong.append(f"{p.id}: {t.title} in {t.year}, after retirement on {p.retired_on}")
        if t.revoked_on is not None and not (held_on < t.revoked_on <= today and (p.died_on or today) >= t.revoked_on):
            wrong.append(f"{p.id}: {t.title} of {t.year} revoked on {t.revoked_on}")
    return wrong


def titles_agree_with_levels(titles: list[Title]) -> list[str]:
    """A title's name and awarding body say its level and kind (「2016年度区先进集体（市级）」
    cannot happen); district titles before 2015 are those of the old districts."""
    wrong = []
    for t in titles:
        name, body, _prefix = TITLES[(t.level, t.kind)]
        words = LEVEL_WORDS[t.level]
        word = next((w for w in words if t.title.startswith(w)), None)
        rest = name.removeprefix(words[0])
        if word is None or t.title != word + rest or t.body != body.replace(words[0], word, 1):
            wrong.append(f"{t.person}: {t.title} ({t.body}) at level {t.level}, kind {t.kind}")
        elif t.level == Level.DISTRICT and (t.year < 2015) == (word == "梁溪区"):
            wrong.append(f"{t.person}: {t.title} in {t.year}: 梁溪区 was formed in 2015")
    return wrong


def highest_levels_follow_titles(people: list[Person], titles: list[Title]) -> list[str]:
    by_person = defaultdict(list)
    for t in titles:
        by_person[t.person].append(t)
    wrong = []
    for p in people:
        held = [t.level for t in by_person[p.id] if t.kind in MODEL_WORKER_KINDS and t.revoked_on is None]
        if min(held, default=Level.NONE) != p.highest_level:
            wrong.append(f"{p.id}: highest level {p.highest_level}, titles {sorted(held)}")
    return wrong


def employers_fit_posts(people: list[Person]) -> list[str]:
    """Each person's employer belongs to their union, and their post and grade to its trade."""
    wrong = []
    for p in people:
        kind = employer_kind(p.employer)
        if kind is None:
            wrong.append(f"{p.id}: employer {p.employer} of no known kind")
            continue
        trade = TRADES[kind]
        if p.employer_union_id != p.union_id:
            wrong.append(f"{p.id}: {p.employer} is not of the person's union")
        if p.position not in dict(trade.posts) or p.grade not in grades_for(trade, p.cadre):
            wrong.append(f"{p.id}: {p.position} / {p.grade} at {p.employer} ({kind})")
    return wrong


def article_split(people: list[Person], titles: list[Title]) -> dict[int, int]:
    """People by the level they held at the end of 2016."""
    by_person = defaultdict(list)
    for t in titles:
        by_person[t.person].append(t)
    out: dict[int, int] = defaultdict(int)
    for p in people:
        out[level_held(by_person[p.id], 2016)] += 1
    return dict(out)


def medal(kind: str) -> bool:
    return kind == HonourKind.MAY_DAY_MEDAL


def from_database() -> tuple[list[Person], list[Title]]:
    """The loaded archive as rows for the checks."""

    people = [
        Person(
            id=p.pk,
            sex=p.sex,
            birth=p.birth_date,
            status=p.status,
            retired_on=p.retired_on,
            died_on=p.died_on,
            union_id=p.union_id,
            employer=p.employer.name,
            employer_union_id=p.employer.union_id,
            position=p.position,
            grade=p.title_or_grade,
            highest_level=p.highest_level,
        )
        for p in ModelWorker.objects.select_related("employer")
    ]
    titles = [
        Title(h.model_worker_id, h.kind, h.level, h.year, h.title, h.awarding_body, h.revoked_on)
        for h in Honour.objects.all()
    ]
    return people, titles


# --- Over the loaded demo: the platform and treatment --------------------------------------------


def plaques_as_planned(today: dt.date) -> list[str]:
    """The plaques first awarded each year are the story's, from 2014 to today."""

    first: dict[int, dt.date] = {}
    for unit_id, day in TierSpan.objects.order_by("starts_on").values_list("unit_id", "starts_on"):
        first.setdefault(unit_id, day)
    by_year = Counter(day.year for day in first.values())
    planned = {year: sum(n) for year, n in AWARDS.items() if year <= today.year}
    return [] if by_year == planned else [f"plaques by year {dict(by_year)}, planned {planned}"]


def units_fit_people_and_trades() -> list[str]:
    """A unit works in its employer's trade, in its union; its leader from the archive worked
    there, was 25 or older when it was founded and still works; a studio's leader held a
    municipal or higher title when the studio got its plaque."""

    wrong = []
    for unit in Unit.objects.select_related("leader", "employer").exclude(status=UnitStatus.APPLYING):
        kind = employer_kind(unit.employer.name) if unit.employer_id else None
        if kind is None or unit.field not in TRADES[kind].fields:
            wrong.append(f"{unit}: {unit.field} at {unit.employer}")
        if unit.employer_id and unit.employer.union_id != unit.union_id:
            wrong.append(f"{unit}: {unit.employer} is of another union")
        leader, founded = unit.leader, unit.founded_on
        if leader is not None and founded is not None:
            if leader.status != Status.WORKING or add_years(leader.birth_date, 25) > founded:
                wrong.append(f"{unit}: led by {leader} ({leader.status}, born {leader.birth_date})")
            if leader.employer_id != unit.employer_id:
                wrong.append(f"{unit}: {leader} works at {leader.employer}")
    for span in TierSpan.objects.filter(tier=Tier.STUDIO).select_related("unit__leader"):
        held = span.unit.leader.honours.filter(
            level__lte=Level.MUNICIPAL, kind__in=MODEL_WORKER_KINDS, year__lte=span.starts_on.year, revoked_on=None
        )
        if not held.exists():
            wrong.append(f"{span.unit}: studio from {span.starts_on}, its leader without a municipal title then")
    return wrong


def six_haves_before_plaques() -> list[str]:
    """Every unit that was given a plaque has the six haves met, each saying how — but a removed
    unit, whose results were found wanting."""

    awarded = set(UnitEvent.objects.filter(kind=EventKind.AWARDED).values_list("unit_id", flat=True))
    wrong = []
    for have in UnitHave.objects.filter(unit_id__in=awarded).select_related("unit"):
        if have.unit.status != UnitStatus.REMOVED and not (have.met and have.note):
            wrong.append(f"{have.unit}: {have.have} {'met' if have.met else 'not met'}: {have.note!r}")
    return wrong


def rounds_and_plans_every_year(today: dt.date) -> list[str]:
    """Each year from 2014 has its round — of every unit holding a plaque when it opened, closed
    with a result for each, this year's still open — and its funding plan, adding up to the
    budget, approved and paid in full by January (this year's a draft until its round closes)."""

    years = list(range(START, today.year + 1))
    rounds = {r.year: r for r in EvaluationRound.objects.all()}
    plans = {p.year: p for p in FundingPlan.objects.prefetch_related("allocations__disbursements")}
    wrong = [] if sorted(rounds) == years == sorted(plans) else [f"rounds {sorted(rounds)}, plans {sorted(plans)}"]
    spans = list(TierSpan.objects.all())
    for year, rnd in rounds.items():
        state = RoundState.OPEN if year == today.year else RoundState.CLOSED
        held = {s.unit_id for s in spans if s.starts_on <= rnd.opened_on and (s.ends_on or today) > rnd.opened_on}
        if rnd.state != state or set(rnd.evaluations.values_list("unit_id", flat=True)) != held:
            wrong.append(f"{year}: round {rnd.state}, not every unit holding a plaque on {rnd.opened_on}")
        if state == RoundState.CLOSED and rnd.evaluations.filter(grade="").exists():
            wrong.append(f"{year}: a unit without a result")
    for year, plan in plans.items():
        shares = list(plan.allocations.all())
        state = PlanState.DRAFT if year == today.year else PlanState.APPROVED
        if plan.state != state or sum(a.amount for a in shares) != plan.budget:
            wrong.append(f"{year}: plan {plan.state}, shares {sum(a.amount for a in shares)} of {plan.budget}")
        for a in shares:
            paid = sum(d.amount for d in a.disbursements.all())
            expected = a.amount if state == PlanState.APPROVED and dt.date(year + 1, 1, 15) <= today else 0
            if paid != expected or any(d.paid_on > today or d.paid_on.year != year + 1 for d in a.disbursements.all()):
                wrong.append(f"{year}: {a.unit_id} paid {paid} of {a.amount}")
    if Disbursement.objects.filter(allocation__isnull=True).exists():
        wrong.append("money paid outside a plan")
    return wrong


def standing_follows_evaluations(today: dt.date) -> list[str]:
    """A unit's tier is its open plaque's, one plaque more for each promotion decided; a removed
    unit has its decision and no plaque; a star post's stars are those its last round gave; a
    grade is the one its score earns; every 不合格 was followed, within the deadline, by its
    being put right or its plaque removed; no candidate is left undecided."""

    policy = PlatformPolicy.current()
    wrong = []
    for unit in Unit.objects.exclude(status__in=(UnitStatus.APPLYING, UnitStatus.APPROVED, UnitStatus.REJECTED)):
        spans = list(unit.spans.order_by("starts_on", "pk"))
        open_spans = [s for s in spans if s.ends_on is None]
        accepted = Counter(Case.objects.filter(unit=unit, state=CaseState.ACCEPTED).values_list("kind", flat=True))
        if unit.status == UnitStatus.REMOVED:
            if open_spans or accepted[CaseKind.REMOVE] != 1:
                wrong.append(f"{unit}: removed without its decision")
            continue
        if len(open_spans) != 1 or (open_spans[0].tier, open_spans[0].plaque_number) != (unit.tier, unit.plaque_number):
            wrong.append(f"{unit}: {unit.tier} {unit.plaque_number}, plaques {spans}")
        if len(spans) != accepted[CaseKind.PROMOTE] + 1:
            wrong.append(f"{unit}: {len(spans)} plaques, {accepted[CaseKind.PROMOTE]} promotions")
        if unit.status == UnitStatus.WARNED and unit.warning_deadline < today:
            wrong.append(f"{unit}: warned, past the deadline {unit.warning_deadline}")
        last = (
            Evaluation.objects.filter(
                unit=unit, tier=unit.tier, round__state=RoundState.CLOSED, round__closed_on__gte=spans[-1].starts_on
            )
            .exclude(grade="")
            .order_by("-round__closed_on")
            .first()
        )
        if unit.tier == Tier.STAR_POST and last is not None:
            earned = evaluation.stars_for(last.score, policy)
            if last.stars_after != unit.stars or (earned and earned != unit.stars):
                wrong.append(f"{unit}: {unit.stars} stars after {last.score} in {last.round_id}")
    for ev in Evaluation.objects.exclude(grade="").select_related("unit", "round"):
        if ev.grade != evaluation.grade_for(ev.score, policy):
            wrong.append(f"{ev}: {ev.grade} for {ev.score}")
        if ev.grade == "fail":
            closed = ev.round.closed_on
            followed = UnitEvent.objects.filter(
                unit=ev.unit,
                kind__in=(EventKind.RECTIFIED, EventKind.REMOVED),
                on__gt=closed,
                on__lte=closed + dt.timedelta(days=policy.warning_days),
            )
            if not followed.exists() and closed + dt.timedelta(days=policy.warning_days) < today:
                wrong.append(f"{ev.unit}: 不合格 in {ev.round} and nothing followed")
    if Case.objects.filter(state=CaseState.PENDING).exists():
        wrong.append("a candidate left undecided")
    return wrong


def mentorships_end_with_an_outcome(today: dt.date) -> list[str]:
    """An agreement whose term has passed is completed or ended, with the day of its outcome
    (within the term) and, when completed, what the apprentice reached."""

    wrong = []
    for m in Mentorship.objects.all():
        if m.ends_on <= today and (m.state == MentorshipState.ACTIVE or m.outcome_on is None):
            wrong.append(f"{m}: until {m.ends_on}, {m.state}")
        if m.outcome_on is not None and not (m.agreed_on < m.outcome_on <= min(m.ends_on, today)):
            wrong.append(f"{m}: outcome on {m.outcome_on}, agreed {m.agreed_on}–{m.ends_on}")
        if m.state == MentorshipState.COMPLETED and not m.grade_reached:
            wrong.append(f"{m}: completed, nothing reached")
        if m.state == MentorshipState.ACTIVE and m.outcome_on is not None:
            wrong.append(f"{m}: under way with an outcome")
    return wrong


RESULT_WORDS = {"national": "全国", "provincial": "江苏省", "municipal": "无锡市", "district": "梁溪区"}


def results_fit_their_units(today: dt.date) -> list[str]:
    """A result falls in a year its studio or star post held its plaque; an award's or honour's
    title says its level (an enterprise's names the employer); no project older than last year
    is still ongoing."""

    spans = defaultdict(list)
    for s in TierSpan.objects.exclude(tier=Tier.STANDARD_BEARER):
        spans[s.unit_id].append(s)
    wrong = []
    for a in Achievement.objects.filter(voided_at__isnull=True).select_related("unit__employer"):
        if not any(s.starts_on.year <= a.year <= (s.ends_on or today).year for s in spans[a.unit_id]):
            wrong.append(f"{a.unit}: {a.title} in {a.year}")
        if a.kind in (AchievementKind.AWARD, AchievementKind.HONOUR):
            rest = a.title.removeprefix(f"{a.year}年度")
            word = a.unit.employer.name if a.level == "enterprise" else RESULT_WORDS[a.level]
            if rest == a.title or not rest.startswith(word):
                wrong.append(f"{a.title} at level {a.level}")
        if a.kind == AchievementKind.PROJECT and a.project_status == ProjectStatus.ONGOING and a.year < today.year - 1:
            wrong.append(f"{a.title} of {a.year} still ongoing")
    return wrong


def inspections_put_right_in_time(today: dt.date) -> list[str]:

    return [
        f"{i.unit_id} {i.inspected_on}: {i.state}, deadline {i.deadline}, closed {i.closed_on}"
        for i in Inspection.objects.all()
        if (i.state == InspectionState.CLOSED and i.deadline and i.closed_on > i.deadline)
        or (i.state == InspectionState.OPEN and (i.deadline is None or i.deadline < today))
    ]


def payments_are_owed(today: dt.date) -> list[str]:
    """Every honour allowance paid is owed by the entitlement rules, to the person and for the
    month: never more than due, and in full from March (January and February were paid before
    this year's standard was raised back to January); nothing paid for a month after death."""

    allowance = Scheme.objects.get(kind=SchemeKind.HONOUR_ALLOWANCE)
    rules = entitlement.rules_of(allowance)
    paid = defaultdict(Decimal)
    for e in LedgerEntry.objects.filter(scheme=allowance):
        paid[(e.model_worker_id, e.period)] += e.amount
    facts = entitlement.load_facts(worker_ids={pk for pk, _period in paid})
    wrong = []
    for (pk, period), amount in paid.items():
        due = entitlement.evaluate(facts[pk], allowance, rules, period)
        if not isinstance(due, entitlement.Due) or amount > due.amount:
            wrong.append(f"{pk} {period}: paid {amount}, due {due}")
        elif period.month > 2 and amount != due.amount:
            wrong.append(f"{pk} {period}: paid {amount} of {due.amount}")
        if period > today:
            wrong.append(f"{pk} {period}: paid for a month to come")
    return wrong
