"""Demo data for the 三创 platform: one history from its start in 2014 to today.

The article's two years come out as it tells them: at the end of 2016 the district has 9
studios, 14 star posts and 23 standard-bearers, and in 2015–2016 they led or completed 32
research projects, made 32 new products and technologies, won 51 science and technology awards
and 211 collective and individual honours. The years after continue the story: new plaques
every year, a round of evaluation every December and the funding that follows it, promotions,
warnings put right at re-review, a few plaques removed, mentoring agreements that run their
three years and end with an outcome.

Everything is made through the services (application, review, the six haves met, plaque,
members, rounds with two reviewers, decisions, re-reviews, plans, payments, expenses,
inspections, mentoring), dated as it happened, so every figure comes from the data as the rules
made it. Only meetings and achievements, entered in bulk from the units' ledgers, are inserted
directly.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from gongjiang.archive.enums import MODEL_WORKER_KINDS, Level, Status
from gongjiang.archive.models import Employer, ModelWorker
from gongjiang.demo.data import TRADES, employer_kind, is_public
from gongjiang.demo.platform_data import (
    ARTICLE_RESULTS,
    ARTICLE_YEARS,
    AWARD_LEVELS,
    AWARD_TITLES,
    AWARDS,
    CASES_DECIDED,
    COLLECTIVE_HONOURS,
    HAVE_NOTES,
    INDIVIDUAL_HONOURS,
    PRODUCT,
    PROJECT,
    PROJECT_LEVELS,
    PUT_RIGHT_NOTE,
    RATES,
    ROUND_CLOSES,
    ROUND_OPENS,
    SCORE_RANGE,
    START,
    TARGETS,
    TIERS,
    WARNED_NOTE,
    random_day,
    random_name,
)
from gongjiang.platform import evaluation, funding, services
from gongjiang.platform.enums import (
    AchievementKind,
    AchievementLevel,
    CaseKind,
    CaseState,
    Grade,
    Have,
    HonourScope,
    MentorshipState,
    ProjectRole,
    ProjectStatus,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import Achievement, Allocation, Case, Meeting, RubricItem, TierSpan, Unit


def leader_for_demo() -> ModelWorker | None:
    """The demo's studio leader: the first person still working who held a municipal or higher
    title by 2014, the platform's first year."""
    return next((p for p in _leaders(600) if p.since is not None and p.since <= START), None)


def _leaders(limit: int) -> list[ModelWorker]:
    """The first people still working at municipal level or higher, with the year they first
    held such a title (``since``): the first ids first, so a million-person archive is not
    grouped whole."""
    ids = list(
        ModelWorker.objects.filter(highest_level__lte=Level.MUNICIPAL, status=Status.WORKING, archived_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    held = Q(
        honours__kind__in=MODEL_WORKER_KINDS,
        honours__level__lte=Level.MUNICIPAL,
        honours__revoked_on__isnull=True,
        honours__voided_at__isnull=True,
    )
    return list(
        ModelWorker.objects.filter(pk__in=ids)
        .annotate(since=Min("honours__year", filter=held))
        .select_related("union", "employer")
        .order_by("id")
    )


@dataclass
class _People:
    leaders: list[ModelWorker]
    others: list[ModelWorker]
    employers: list[Employer]
    used: set[int] = field(default_factory=set)

    def leader(self, year: int) -> ModelWorker | None:
        """A model worker of municipal level or higher by ``year``, still working today."""
        for person in self.leaders:
            if person.pk not in self.used and person.since is not None and person.since <= year:
                self.used.add(person.pk)
                return person
        return None

    def other(self) -> ModelWorker | None:
        for person in self.others:
            if person.pk not in self.used:
                self.used.add(person.pk)
                return person
        return None


def _trade(employer: Employer | None):
    kind = employer_kind(employer.name) if employer is not None else None
    return TRADES[kind or "community"]


@transaction.atomic
def populate(
    *, staff, admin, leader_record: ModelWorker | None, today: dt.date | None = None, seed: int = 2014
) -> bool:
    """Build the platform's history once, up to ``today`` (returns False when units exist
    already, or when the archive is too small to staff the article's platform)."""
    if Unit.objects.exists():
        return False
    today = today or timezone.localdate()
    rng = random.Random(seed)
    leaders = _leaders(600)
    if leader_record is not None:
        leaders = [p for p in leaders if p.pk == leader_record.pk] + [p for p in leaders if p.pk != leader_record.pk]
    # A studio or star post is led by a model worker: the first year's thirteen, and one for each after.
    needed = sum(s + p for year, (s, p, _b) in AWARDS.items() if year <= today.year)
    starters = sum(AWARDS[START][:2])
    if sum(1 for p in leaders if p.since is not None and p.since <= START) < starters or len(leaders) < needed:
        return False  # an archive this small cannot staff the article's platform
    others = list(
        ModelWorker.objects.filter(status=Status.WORKING, archived_at__isnull=True)
        .exclude(pk__in=[p.pk for p in leaders])
        .select_related("union", "employer")
        .order_by("-id")[:400]
    )
    employers = list(Employer.objects.select_related("union").filter(union__isnull=False).order_by("pk"))
    evaluation.ensure_rubrics()
    for name, first, last, studios, star_posts, bearers in TARGETS:
        if first <= today.year:
            services.save_target(
                actor=staff,
                data={
                    "name": name,
                    "first_year": first,
                    "last_year": last,
                    "studios": studios,
                    "star_posts": star_posts,
                    "standard_bearers": bearers,
                },
            )
    story = _Story(rng, staff, admin, _People(leaders, others, employers), today)
    for year in range(START, today.year + 1):
        story.run_year(year)
    story.finish()
    return True


class _Story:
    def __init__(self, rng: random.Random, staff, admin, people: _People, today: dt.date):
        self.rng, self.staff, self.admin, self.people, self.today = rng, staff, admin, people, today
        self.created: dict[int, list[Unit]] = {}  # by year
        self.teams: dict[int, list[str]] = {}
        self.runs: dict[int, int] = {}  # standard-bearers with rounds of 优秀 still to come
        self.declined: set[int] = set()
        self.re_reviews: list[tuple[int, bool]] = []  # (unit, passes) in the coming March
        self.failed_last: set[int] = set()
        self.items = {t: list(RubricItem.objects.filter(rubric__tier=t, retired=False)) for t in Tier.values}

    # --- The year ------------------------------------------------------------------------------

    def run_year(self, year: int) -> None:
        self._re_reviews(year)
        for tier, n in zip(TIERS, AWARDS.get(year, (0, 0, 0)), strict=True):
            for _ in range(n):
                self._new_unit(tier, year)
        if year >= ARTICLE_YEARS[0]:
            self._inspections(year)
        opens = dt.date(year, *ROUND_OPENS)
        if opens > self.today:
            self._funding(year, draft=True)
            return
        rnd = evaluation.open_round(actor=self.staff, year=year, title=f"{year} 年度考评", tiers=Tier.values, on=opens)
        if year == self.today.year:
            self._score_a_few(rnd)
            self._funding(year, draft=True)
            return
        self._score(rnd, self._grades(year, rnd))
        evaluation.close_round(actor=self.staff, rnd=rnd, on=dt.date(year, *ROUND_CLOSES))
        self._after_round(year, rnd)
        self._funding(year, draft=False)

    def _new_unit(self, tier: str, year: int) -> Unit | None:
        rng = self.rng
        applied = random_day(rng, year, 3, 7)
        awarded = applied + dt.timedelta(days=35 + rng.randint(0, 20))
        if awarded > self.today:
            return None
        leader = self.people.leader(year) if tier != Tier.STANDARD_BEARER else self.people.other()
        outsider = tier == Tier.STANDARD_BEARER and (leader is None or rng.random() < 0.3)
        if leader is None and not outsider:
            return None
        if outsider:
            if leader is not None:
                self.people.used.discard(leader.pk)
            employer = rng.choice(self.people.employers)
            person, union = random_name(rng), employer.union
        else:
            employer, person, union = leader.employer, leader.name, leader.union
        trade = _trade(employer)
        field_ = rng.choice(trade.fields)
        where = employer.name if employer is not None else union.name
        if tier == Tier.STUDIO:
            name = f"{person}劳模创新工作室"
        elif tier == Tier.STAR_POST:
            name = f"{where}{rng.choice(trade.unit_posts)}"
            if Unit.objects.filter(name=name).exists():
                name = f"{where}{field_}示范岗"
        else:
            name = f"{person}（{field_}）"
        venue = f"{where}职工创新活动室" if tier != Tier.STANDARD_BEARER else f"{where}岗位练兵场所"
        unit = services.apply_unit(
            actor=self.staff,
            on=applied,
            data={
                "name": name,
                "tier": tier,
                "leader": None if outsider else leader,
                "leader_name": person if outsider else "",
                "union": union,
                "employer": employer,
                "field": field_,
                "venue": venue if tier != Tier.STANDARD_BEARER else "",
                "founded_on": applied,
                "description": f"围绕{field_}开展技术攻关、岗位练兵和名师带徒，带动职工创新创业创优。",
            },
        )
        team = self._team(unit, person)
        for have in Have.values:
            services.set_have(
                actor=self.staff,
                unit=unit,
                have=have,
                met=True,
                note=HAVE_NOTES[have].format(n=len(team), venue=venue),
            )
        services.review_unit(
            actor=self.admin, unit=unit, approve=True, reason="材料齐全，六有达标", on=applied + dt.timedelta(days=20)
        )
        unit = services.award_plaque(
            actor=self.admin,
            unit=unit,
            on=awarded,
            stars=rng.choice((1, 1, 2, 2, 3)) if tier == Tier.STAR_POST else None,
        )
        self.created.setdefault(year, []).append(unit)
        return unit

    def _team(self, unit: Unit, leader_name: str) -> list[str]:
        team = [leader_name]
        for _ in range(self.rng.randint(2, 4)):
            person = self.people.other() if self.rng.random() < 0.2 else None
            if person is not None:
                services.add_member(
                    actor=self.staff,
                    unit=unit,
                    model_worker=person,
                    name="",
                    position=unit.field,
                    joined_on=unit.founded_on,
                )
                team.append(person.name)
            else:
                name = random_name(self.rng)
                services.add_member(
                    actor=self.staff,
                    unit=unit,
                    model_worker=None,
                    name=name,
                    position=unit.field,
                    joined_on=unit.founded_on,
                )
                team.append(name)
        self.teams[unit.pk] = team
        return team

    # --- Evaluation ----------------------------------------------------------------------------

    def _established(self) -> list[Unit]:
        return list(Unit.objects.filter(status__in=(UnitStatus.ACTIVE, UnitStatus.WARNED)).order_by("pk"))

    def _grades(self, year: int, rnd) -> dict[int, str]:
        """The grades the story needs this year; every other unit is graded so that no rule
        fires by chance (a star post or standard-bearer never 优秀 unplanned, no 不合格)."""
        units = {u.pk: u for u in self._established()}
        wanted: dict[int, str] = {}
        for pk in list(self.runs):
            if pk in units and units[pk].tier == Tier.STANDARD_BEARER:
                wanted[pk] = Grade.EXCELLENT
                self.runs[pk] -= 1
                if not self.runs[pk]:
                    del self.runs[pk]
            else:
                del self.runs[pk]
        if year <= ARTICLE_YEARS[-1]:
            self._article_grades(year, wanted)
        else:
            self._later_grades(year, units, wanted)
        return wanted

    def _article_grades(self, year: int, wanted: dict[int, str]) -> None:
        sb, sp = self._by_tier(START, Tier.STANDARD_BEARER), self._by_tier(START, Tier.STAR_POST)
        if year == 2014:
            wanted[sb[0].pk] = Grade.EXCELLENT  # and again in 2015: promoted
            self.runs[sb[0].pk] = 1
        elif year == 2015:
            wanted[sb[1].pk] = Grade.EXCELLENT  # and again in 2016: promoted
            self.runs[sb[1].pk] = 1
            wanted[sp[2].pk] = Grade.FAIL  # warned; fails the re-review in March: plaque removed
            self.re_reviews.append((sp[2].pk, False))
        elif year == 2016:
            wanted[sp[0].pk] = Grade.EXCELLENT  # three stars and 优秀: promoted to a studio
            declined = self._by_tier(2015, Tier.STAR_POST)[1]
            wanted[declined.pk] = Grade.EXCELLENT
            self.declined.add(declined.pk)
            wanted[sp[3].pk] = Grade.FAIL  # warned; put right at the re-review
            self.re_reviews.append((sp[3].pk, True))

    def _later_grades(self, year: int, units: dict[int, Unit], wanted: dict[int, str]) -> None:
        rng = self.rng
        free = [u for u in units.values() if u.pk not in wanted and u.status == UnitStatus.ACTIVE]
        # A standard-bearer starts two rounds of 优秀 (promoted next year).
        bearers = [u for u in free if u.tier == Tier.STANDARD_BEARER and u.awarded_on.year < year]
        if bearers:
            chosen = rng.choice(bearers)
            wanted[chosen.pk] = Grade.EXCELLENT
            self.runs[chosen.pk] = 1
        # Every other year a star post of three years or more, led by a model worker, is 优秀 and
        # a candidate for studio; one year in four the federation declines.
        if year % 2:
            posts = [
                u
                for u in free
                if u.tier == Tier.STAR_POST and u.leader_id and u.awarded_on.year <= year - 3 and u.pk not in wanted
            ]
            if posts:
                chosen = rng.choice(posts)
                wanted[chosen.pk] = Grade.EXCELLENT
                if year % 4 == 3:
                    self.declined.add(chosen.pk)
        # One unit fails and is warned; re-reviewed in March, most are put right.
        # (Not one that failed last year: two rounds of 不合格 running is a removal.)
        failing = [u for u in free if u.pk not in wanted and u.pk not in self.failed_last and u.awarded_on.year < year]
        if failing:
            chosen = rng.choice(failing)
            wanted[chosen.pk] = Grade.FAIL
            self.re_reviews.append((chosen.pk, year % 4 != 2))

    def _by_tier(self, year: int, tier: str) -> list[Unit]:
        return [u for u in self.created.get(year, []) if u.tier == tier]

    def _score(self, rnd, wanted: dict[int, str]) -> None:
        rng = self.rng
        for ev in rnd.evaluations.select_related("unit").order_by("unit_id"):
            grade = wanted.get(ev.unit_id)
            if grade is None:
                choices = [Grade.GOOD, Grade.GOOD, Grade.PASS]
                if ev.tier == Tier.STUDIO:
                    choices.append(Grade.EXCELLENT)
                grade = rng.choice(choices)
            target = rng.randint(*SCORE_RANGE[grade])
            for reviewer in (self.staff, self.admin):
                evaluation.submit_sheet(
                    actor=reviewer,
                    evaluation=ev,
                    points=_points(rng, self.items[ev.tier], target + rng.choice((-1, 0, 1))),
                    comment=rng.choice(["", "", "台账规范，成效明显。", "建议加强成果转化。", "带徒成效突出。"]),
                )

    def _score_a_few(self, rnd) -> None:
        """This year's round, open: the staff reviewer has scored the first few studios."""
        items = self.items[Tier.STUDIO]
        for ev in rnd.evaluations.filter(tier=Tier.STUDIO).select_related("unit").order_by("unit_id")[:3]:
            evaluation.submit_sheet(
                actor=self.staff, evaluation=ev, points=_points(self.rng, items, self.rng.randint(84, 95))
            )

    def _after_round(self, year: int, rnd) -> None:
        decided = dt.date(year, *CASES_DECIDED)
        for case in Case.objects.filter(state=CaseState.PENDING).select_related("unit").order_by("pk"):
            accept = case.unit_id not in self.declined
            if case.kind == CaseKind.PROMOTE:
                reason = "经区总工会党组会研究同意" if accept else "领头人尚需积累，成果转化不足，暂缓晋升"
            else:
                reason = "复审未通过，经区总工会党组会研究摘牌"
            evaluation.decide_case(actor=self.admin, case=case, accept=accept, reason=reason, on=decided)
        self.declined.clear()
        for ev in rnd.evaluations.filter(grade=Grade.FAIL).select_related("unit"):
            services.set_have(actor=self.staff, unit=ev.unit, have=Have.RESULTS, met=False, note=WARNED_NOTE)

    def _re_reviews(self, year: int) -> None:
        """Units warned last December are re-reviewed in March, before their deadline."""
        due, self.re_reviews = self.re_reviews, []
        self.failed_last = {pk for pk, _passes in due}
        for pk, passes in due:
            unit = Unit.objects.get(pk=pk)
            on = unit.warning_deadline - dt.timedelta(days=20) if unit.warning_deadline else None
            if unit.status != UnitStatus.WARNED or on > self.today:
                continue
            if passes:
                services.set_have(actor=self.staff, unit=unit, have=Have.RESULTS, met=True, note=PUT_RIGHT_NOTE)
                evaluation.re_review(actor=self.admin, unit=unit, passed=True, note=PUT_RIGHT_NOTE, on=on)
            else:
                evaluation.re_review(actor=self.admin, unit=unit, passed=False, note="整改不到位，复审未通过。", on=on)
                case = Case.objects.get(unit=unit, kind=CaseKind.REMOVE, state=CaseState.PENDING)
                evaluation.decide_case(
                    actor=self.admin,
                    case=case,
                    accept=True,
                    reason="复审未通过，经区总工会党组会研究摘牌",
                    on=on + dt.timedelta(days=14),
                )

    # --- Funding -------------------------------------------------------------------------------

    def _funding(self, year: int, *, draft: bool) -> None:
        """The year's plan after its round: approved at the year's end, paid in January, part of
        it spent in the months after. The current year's plan waits, a draft, for its round."""
        counts = dict.fromkeys(Tier.values, 0)
        for unit in self._established():
            counts[unit.tier] += 1
        budget = counts[Tier.STUDIO] * 45_000 + counts[Tier.STAR_POST] * 12_000 + counts[Tier.STANDARD_BEARER] * 4_000
        budget = -(-budget // 50_000) * 50_000
        note = f"{year} 年度“三创”专项经费" + ("，待年度考评结束后重新测算报批" if draft else "")
        plan = funding.save_plan(actor=self.staff, data={"year": year, "budget": budget, "note": note})
        if draft:
            return
        funding.approve_plan(actor=self.admin, plan=plan)
        paid_on = dt.date(year + 1, 1, 15)
        if paid_on > self.today:
            return
        for allocation in Allocation.objects.filter(plan=plan, amount__gt=0).select_related("unit").order_by("pk"):
            funding.disburse(
                actor=self.staff, allocation=allocation, paid_on=paid_on, reference=f"ZB{year}{allocation.pk:05d}"
            )
            spent_on = random_day(self.rng, year + 1, 3, 10)
            if allocation.unit.tier != Tier.STANDARD_BEARER and self.rng.random() < 0.6 and spent_on <= self.today:
                share = Decimal(self.rng.choice(("0.3", "0.45", "0.6")))
                funding.add_expense(
                    actor=self.staff,
                    unit=allocation.unit,
                    spent_on=spent_on,
                    amount=(allocation.amount * share).quantize(Decimal("1")),
                    purpose=self.rng.choice(["购置实训设备", "举办技能培训", "课题攻关材料费", "成果展示展板制作"]),
                )

    # --- Inspections ---------------------------------------------------------------------------

    def _inspections(self, year: int) -> None:
        """督查 each June of a third of the studios and star posts; what needs putting right is
        followed up and closed within the deadline. This year, one visit is still being put right."""
        units = [u for u in self._established() if u.tier != Tier.STANDARD_BEARER]
        for i, unit in enumerate(units):
            if (i + year) % 3:
                continue
            on = dt.date(year, 6, self.rng.randint(1, 28))
            if on > self.today:
                return
            needs = (i + year) % 2 == 0
            inspection = services.add_inspection(
                actor=self.staff,
                unit=unit,
                inspected_on=on,
                inspectors="区总工会督查组",
                findings="台账基本齐全；" + ("活动记录不够完整，需补齐。" if needs else "运行规范。"),
                deadline=on + dt.timedelta(days=60) if needs else None,
            )
            if needs:
                services.follow_up(
                    actor=self.staff,
                    inspection=inspection,
                    on=on + dt.timedelta(days=45),
                    note="已补齐活动记录并建立月度台账。",
                    close=True,
                )
        if year == self.today.year and units:
            on = self.today - dt.timedelta(days=20)
            services.add_inspection(
                actor=self.staff,
                unit=units[len(units) // 2],
                inspected_on=on,
                inspectors="区总工会督查组",
                findings="经费使用台账缺少两笔支出凭证，需补齐。",
                deadline=on + dt.timedelta(days=60),
            )

    # --- What the units keep -------------------------------------------------------------------

    def finish(self) -> None:
        everything = list(Unit.objects.exclude(status__in=[UnitStatus.APPLYING]).order_by("pk"))
        spans = {}
        for span in TierSpan.objects.order_by("starts_on", "pk"):
            spans.setdefault(span.unit_id, []).append(span)
        self._meetings(everything, spans)
        self._mentorships(everything, spans)
        self._results(everything, spans)
        self._applications()

    def _last_held(self, spans: list[TierSpan]) -> dt.date:
        """The last day the unit held a plaque (today, if it still does)."""
        return min(spans[-1].ends_on or self.today, self.today)

    def _meetings(self, units: list[Unit], spans: dict) -> None:
        rng, rows = self.rng, []
        for unit in units:
            if unit.pk not in spans or all(s.tier == Tier.STANDARD_BEARER for s in spans[unit.pk]):
                continue
            first = next(s.starts_on for s in spans[unit.pk] if s.tier != Tier.STANDARD_BEARER)
            end = self._last_held(spans[unit.pk])
            day = first + dt.timedelta(days=20)
            while day < end:
                rows.append(
                    Meeting(
                        unit=unit,
                        held_on=day,
                        attendees="领头人及全体成员",
                        minutes=rng.choice(
                            [
                                "研究本季度攻关课题进展。",
                                "交流岗位练兵情况，布置带徒任务。",
                                "总结上季度成果，安排下阶段工作。",
                            ]
                        ),
                        decisions=rng.choice(["", "确定两项攻关课题。", "推荐一名成员参加市技能大赛。"]),
                        recorded_by=self.staff,
                    )
                )
                day += dt.timedelta(days=rng.randint(80, 100))
        Meeting.objects.bulk_create(rows, batch_size=2000)

    def _mentorships(self, units: list[Unit], spans: dict) -> None:
        """名师带徒 in the studios: three-year agreements one after another while the studio
        holds its plaque; one that has run its term ends with its outcome."""
        rng = self.rng
        for unit in units:
            studio = [s for s in spans.get(unit.pk, []) if s.tier == Tier.STUDIO]
            if not studio or unit.leader_id is None:
                continue
            end = min(studio[-1].ends_on or self.today, self.today)
            agreed = studio[0].starts_on + dt.timedelta(days=60)
            while agreed < end - dt.timedelta(days=30):
                ends_on = (
                    agreed.replace(year=agreed.year + 3) if agreed.month != 2 else agreed + dt.timedelta(days=1096)
                )
                item = services.add_mentorship(
                    actor=self.staff,
                    unit=unit,
                    master=unit.leader,
                    master_name="",
                    apprentice_name=random_name(rng),
                    agreed_on=agreed,
                    ends_on=ends_on,
                    goals="三年内掌握核心技能，参加市级以上技能竞赛，取得技师资格。",
                )
                if ends_on <= self.today:
                    completed = rng.random() < 0.85
                    services.record_mentorship_outcome(
                        actor=self.staff,
                        mentorship=item,
                        state=MentorshipState.COMPLETED if completed else MentorshipState.ENDED,
                        contest_place=rng.choice(["无锡市职业技能大赛二等奖", "梁溪区职工技能竞赛一等奖", ""])
                        if completed
                        else "",
                        grade_reached=rng.choice(["技师", "高级工", "高级技师"]) if completed else "",
                        outcome_on=ends_on - dt.timedelta(days=rng.randint(0, 40))
                        if completed
                        else agreed + dt.timedelta(days=rng.randint(300, 700)),
                        reward="带徒奖励 2000 元" if completed else "",
                    )
                agreed = ends_on + dt.timedelta(days=rng.randint(20, 60))

    def _results(self, units: list[Unit], spans: dict) -> None:
        """The studios' and star posts' results year by year: exactly the article's in 2015 and
        2016, then at a steady rate; old projects are completed, recent ones may be ongoing."""
        rng, rows = self.rng, []
        for year in range(ARTICLE_YEARS[0], self.today.year + 1):
            end = min(dt.date(year, 12, 31), self.today)
            holders = [
                u
                for u in units
                if any(
                    s.tier != Tier.STANDARD_BEARER and s.starts_on <= end and (s.ends_on is None or s.ends_on > end)
                    for s in spans.get(u.pk, [])
                )
            ]
            if not holders:
                continue
            if year in ARTICLE_RESULTS:
                projects, products, awards, honours = ARTICLE_RESULTS[year]
                patents, papers = 9 + year % 2, 12 + year % 3
            else:
                part = (end - dt.date(year, 1, 1)).days / 365
                projects, products, awards, honours, patents, papers = (round(r * len(holders) * part) for r in RATES)
            recent = year >= self.today.year - 1
            for n in range(projects):
                led = n % 3 != 0
                ongoing = recent and n % 4 == 0
                rows.append(
                    self._achievement(
                        rng.choice(holders),
                        year,
                        AchievementKind.PROJECT,
                        rng.choice(PROJECT),
                        level=rng.choice(PROJECT_LEVELS),
                        role=ProjectRole.LED if led or ongoing else ProjectRole.TOOK_PART,
                        project_status=ProjectStatus.ONGOING if ongoing else ProjectStatus.COMPLETED,
                    )
                )
            if recent:  # joined this year or last, not finished: on record, not counted
                for _ in range(3):
                    rows.append(
                        self._achievement(
                            rng.choice(holders),
                            year,
                            AchievementKind.PROJECT,
                            rng.choice(PROJECT),
                            level=rng.choice(PROJECT_LEVELS),
                            role=ProjectRole.TOOK_PART,
                            project_status=ProjectStatus.ONGOING,
                        )
                    )
            for _ in range(products):
                rows.append(self._achievement(rng.choice(holders), year, AchievementKind.PRODUCT, rng.choice(PRODUCT)))
            for n in range(awards):
                level = AWARD_LEVELS[n % 4] if n % 17 else AchievementLevel.NATIONAL
                title, issuer = rng.choice(AWARD_TITLES[level])
                rows.append(
                    self._achievement(
                        rng.choice(holders), year, AchievementKind.AWARD, "{y}年度" + title, level=level, issuer=issuer
                    )
                )
            for n in range(honours):
                unit = rng.choice(holders)
                collective = n % 3 == 0
                levels = list(COLLECTIVE_HONOURS)
                if unit.employer_id is None or is_public(unit.employer.name):
                    levels.remove(AchievementLevel.ENTERPRISE)  # no 企业级 honours in a public body
                level = levels[n % len(levels)]
                title = rng.choice((COLLECTIVE_HONOURS if collective else INDIVIDUAL_HONOURS)[level])
                rows.append(
                    self._achievement(
                        unit,
                        year,
                        AchievementKind.HONOUR,
                        "{y}年度" + title,
                        level=level,
                        scope=HonourScope.COLLECTIVE if collective else HonourScope.INDIVIDUAL,
                        person_name="" if collective else rng.choice(self.teams.get(unit.pk) or [unit.leader_display]),
                    )
                )
            for _ in range(patents):
                rows.append(
                    self._achievement(
                        rng.choice(holders),
                        year,
                        AchievementKind.PATENT,
                        "一种" + rng.choice(PRODUCT),
                        issuer="国家知识产权局",
                    )
                )
            for _ in range(papers):
                rows.append(
                    self._achievement(
                        rng.choice(holders),
                        year,
                        AchievementKind.PAPER,
                        "浅谈" + rng.choice(PROJECT),
                        issuer="行业期刊",
                    )
                )
        # One entered twice by mistake, voided: it stays on record and does not count.
        first = rows[0]
        rows.append(
            Achievement(
                unit=first.unit,
                kind=AchievementKind.AWARD,
                title="重复录入的奖项",
                year=ARTICLE_YEARS[-1],
                level=AchievementLevel.DISTRICT,
                created_by=self.staff,
                void_reason="重复录入",
                voided_at=timezone.now(),
            )
        )
        Achievement.objects.bulk_create(rows, batch_size=2000)

    def _achievement(self, unit: Unit, year: int, kind: str, title: str, **extra) -> Achievement:
        employer = unit.employer.name if unit.employer_id else unit.union.name
        return Achievement(
            unit=unit,
            kind=kind,
            title=title.format(f=unit.field, y=year, employer=employer),
            year=year,
            created_by=self.staff,
            **extra,
        )

    def _applications(self) -> None:
        """This year's applications: one waiting, one approved and awaiting its plaque, one refused."""
        rng, today = self.rng, self.today
        for tier, status in ((Tier.STAR_POST, "waiting"), (Tier.STUDIO, "approved"), (Tier.STANDARD_BEARER, "refused")):
            leader = self.people.leader(today.year)
            if leader is None:
                return
            trade = _trade(leader.employer)
            field_ = rng.choice(trade.fields)
            where = leader.employer.name if leader.employer_id else leader.union.name
            unit = services.apply_unit(
                actor=self.staff,
                on=today - dt.timedelta(days=30),
                data={
                    "name": f"{leader.name}劳模创新工作室"
                    if tier == Tier.STUDIO
                    else f"{leader.name}（{field_}）"
                    if tier == Tier.STANDARD_BEARER
                    else f"{where}{rng.choice(trade.unit_posts)}",
                    "tier": tier,
                    "leader": leader,
                    "leader_name": "",
                    "union": leader.union,
                    "employer": leader.employer,
                    "field": field_,
                    "venue": "",
                    "founded_on": None,
                    "description": f"{today.year} 年申报。",
                },
            )
            if status == "approved":
                services.review_unit(
                    actor=self.admin,
                    unit=unit,
                    approve=True,
                    reason="同意，待年底集中授牌",
                    on=today - dt.timedelta(days=10),
                )
            elif status == "refused":
                services.review_unit(
                    actor=self.admin,
                    unit=unit,
                    approve=False,
                    reason="成效材料不足，明年可再申报",
                    on=today - dt.timedelta(days=10),
                )


def _points(rng: random.Random, items: list[RubricItem], total: int) -> dict[int, Decimal]:
    """Item scores adding up to ``total``, each within its maximum."""
    total = max(0, min(100, total))
    points = {i.pk: int(i.max_points * total / 100) for i in items}
    left = total - sum(points.values())
    order = list(items)
    while left > 0:
        rng.shuffle(order)
        for item in order:
            if left and points[item.pk] < item.max_points:
                points[item.pk] += 1
                left -= 1
    return {k: Decimal(v) for k, v in points.items()}
