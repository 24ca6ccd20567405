"""Demo data for the 三创 platform, told as the article tells it: started in 2014, two years
later 9 studios, 14 star posts and 23 standard-bearers, and 32 research projects led or
completed, 32 new products and technologies, 51 science and technology awards, 211
collective and individual honours. The history is made through the services (applications,
reviews, plaques, two rounds of evaluation with two reviewers, promotions, a removal, a
declined candidate), so every figure comes from the data as the rules made it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongjiang.archive.enums import Level, Status
from gongjiang.archive.models import ModelWorker
from gongjiang.platform import evaluation, funding, services
from gongjiang.platform.enums import (
    AchievementKind,
    AchievementLevel,
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
from gongjiang.platform.models import Achievement, Allocation, Case, Evaluation, Meeting, RubricItem, Unit

# Plaques first awarded each year, by tier (the article's two years and the start).
AWARDS = {
    2014: {Tier.STUDIO: 5, Tier.STAR_POST: 8, Tier.STANDARD_BEARER: 14},
    2015: {Tier.STUDIO: 2, Tier.STAR_POST: 5, Tier.STANDARD_BEARER: 7},
    2016: {Tier.STUDIO: 1, Tier.STAR_POST: 2, Tier.STANDARD_BEARER: 3},
}
# Achievements by kind: (counted in the article's sentence, not counted).
RESULTS = {
    "project_counted": 32,
    "project_other": 7,  # joined, still ongoing: not "led or completed"
    AchievementKind.PRODUCT: 32,
    AchievementKind.AWARD: 51,
    AchievementKind.HONOUR: 211,
    AchievementKind.PATENT: 19,
    AchievementKind.PAPER: 26,
}
FIELDS = [
    "数控加工",
    "电力运维",
    "轨道交通检修",
    "中医护理",
    "小学数学教学",
    "社区服务",
    "纺织工艺",
    "焊接技术",
    "软件开发",
    "食品检测",
    "汽车维修",
    "建筑施工",
    "物流调度",
    "家政服务",
    "环卫作业",
    "电梯维保",
]
POSTS = ["服务窗口", "检修班组", "教研组", "生产车间", "质检岗", "调度中心", "护理站", "维修班"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红春燕文斌海波宇晨浩然欣怡子涵"
PROJECT = ["{f}关键工艺优化研究", "{f}质量提升课题", "基于数字化的{f}流程再造", "{f}节能降耗攻关", "{f}安全隐患治理"]
PRODUCT = ["{f}专用工装", "{f}快速检测装置", "{f}智能巡检系统", "{f}新型工艺", "{f}便携工具"]
AWARD = [
    "{y}年度区科技进步奖",
    "{y}年度市职工技术创新成果奖",
    "{y}年度省职工优秀技术创新成果奖",
    "{y}年度全国职工优秀技术创新成果奖",
]
HONOUR_C = [
    "{y}年度市工人先锋号",
    "{y}年度区先进集体",
    "{y}年度市巾帼文明岗",
    "{y}年度省工人先锋号",
    "{y}年度青年文明号",
]
HONOUR_I = [
    "{y}年度区五一劳动奖章",
    "{y}年度市技术能手",
    "{y}年度区优秀共产党员",
    "{y}年度市岗位标兵",
    "{y}年度首席技师",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _day(rng: random.Random, year: int, first_month: int = 1, last_month: int = 11) -> dt.date:
    return dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))


@transaction.atomic
def populate(*, staff, admin, leader_record: ModelWorker | None, seed: int = 2014) -> bool:
    """Build the platform's history once (returns False when units exist already)."""
    if Unit.objects.exists():
        return False
    rng = random.Random(seed)
    evaluation.ensure_rubrics()
    services.save_target(
        actor=staff,
        data={
            "name": "十三五",
            "first_year": 2016,
            "last_year": 2020,
            "studios": 20,
            "star_posts": 50,
            "standard_bearers": 100,
        },
    )
    people = _people(rng, leader_record)
    if len(people["leaders"]) < 80 or len(people["others"]) < 150:
        return False  # an archive this small cannot staff the article's platform
    units: dict[str, list[Unit]] = {t: [] for t in Tier.values}
    plan = {"promote_sb": None, "promote_sp": None, "declined": None, "removed": None, "warned": None}
    for year in (2014, 2015):
        for tier in (Tier.STUDIO, Tier.STAR_POST, Tier.STANDARD_BEARER):
            for _ in range(AWARDS[year][tier]):
                units[tier].append(_unit(rng, staff, admin, tier, year, people))
    _round(rng, staff, admin, 2015, plan, units)
    _funding(rng, staff, admin, 2015, 600_000)
    for tier in (Tier.STUDIO, Tier.STAR_POST, Tier.STANDARD_BEARER):
        for _ in range(AWARDS[2016][tier]):
            units[tier].append(_unit(rng, staff, admin, tier, 2016, people))
    _round(rng, staff, admin, 2016, plan, units)
    for case in Case.objects.filter(state=CaseState.PENDING).select_related("unit"):
        accept = case.unit_id != plan["declined"].pk
        reason = "经区总工会党组会研究同意" if accept else "创建未满三年，领头人尚需积累，暂缓晋升"
        evaluation.decide_case(actor=admin, case=case, accept=accept, reason=reason, on=dt.date(2016, 12, 28))
    _funding(rng, staff, admin, 2016, 800_000)
    _applications(rng, staff, admin, people)
    everything = list(
        Unit.objects.exclude(status__in=[UnitStatus.APPLYING, UnitStatus.REJECTED, UnitStatus.APPROVED]).order_by("pk")
    )
    _team_and_records(rng, staff, everything, people)
    _results(rng, staff, [u for u in everything if u.tier in (Tier.STUDIO, Tier.STAR_POST)])
    _open_round(rng, staff)
    return True


def _people(rng: random.Random, leader_record: ModelWorker | None) -> dict:
    """Studio leaders from the archive (municipal level or higher, working), the demo leader first."""
    qualified = list(
        ModelWorker.objects.filter(highest_level__lte=Level.MUNICIPAL, status=Status.WORKING, archived_at__isnull=True)
        .select_related("union", "employer")
        .order_by("id")[:400]
    )
    if leader_record is not None:
        qualified = [leader_record] + [p for p in qualified if p.pk != leader_record.pk]
    others = list(
        ModelWorker.objects.filter(status=Status.WORKING, archived_at__isnull=True)
        .select_related("union", "employer")
        .order_by("-id")[:400]
    )
    return {"leaders": qualified, "others": others, "used": set()}


def _pick(people: dict, key: str) -> ModelWorker:
    for person in people[key]:
        if person.pk not in people["used"]:
            people["used"].add(person.pk)
            return person
    raise RuntimeError("the demo archive is too small for the platform demo")


def _unit(rng: random.Random, staff, admin, tier: str, year: int, people: dict) -> Unit:
    # Studios and star posts are led by model workers of municipal level or higher (a star post
    # may be promoted to a studio); a standard-bearer is any worker, in the archive or not.
    leader = _pick(people, "leaders" if tier != Tier.STANDARD_BEARER else "others")
    outsider = tier == Tier.STANDARD_BEARER and rng.random() < 0.3
    field = rng.choice(FIELDS)
    employer = leader.employer.name if leader.employer_id else leader.union.name
    person = _name(rng) if outsider else leader.name
    if tier == Tier.STUDIO:
        name = f"{leader.name}劳模创新工作室"
    elif tier == Tier.STAR_POST:
        name = f"{employer}{field}示范岗"
    else:
        name = f"{person}（{field}）"
    applied = _day(rng, year, 1, 8)
    unit = services.apply_unit(
        actor=staff,
        on=applied,
        data={
            "name": name,
            "tier": tier,
            "leader": None if outsider else leader,
            "leader_name": person if outsider else "",
            "union": leader.union,
            "employer": leader.employer,
            "field": field,
            "venue": f"{employer}职工活动中心" if tier != Tier.STANDARD_BEARER else "",
            "founded_on": applied,
            "description": f"围绕{field}开展技术攻关、岗位练兵和名师带徒，带动职工创新创业创优。",
        },
    )
    services.review_unit(
        actor=admin, unit=unit, approve=True, reason="材料齐全，六有达标", on=applied + dt.timedelta(days=20)
    )
    for have in Have.values:  # a plaque certifies the six haves (their notes come later)
        services.set_have(actor=staff, unit=unit, have=have, met=True, note="")
    return services.award_plaque(
        actor=admin,
        unit=unit,
        on=applied + dt.timedelta(days=35),
        stars=rng.choice((1, 1, 2, 2, 3)) if tier == Tier.STAR_POST else None,
    )


def _grade_plan(plan: dict, year: int, units: dict[str, list[Unit]]) -> dict[int, str]:
    """The grades the story needs; everyone else is graded so no other rule fires."""
    sb, sp = units[Tier.STANDARD_BEARER], units[Tier.STAR_POST]
    plan["promote_sb"] = plan["promote_sb"] or sb[0]
    plan["promote_sp"] = plan["promote_sp"] or sp[0]
    plan["declined"] = plan["declined"] or sp[1]
    plan["removed"] = plan["removed"] or sp[2]
    plan["warned"] = plan["warned"] or sp[3]
    wanted = {plan["promote_sb"].pk: Grade.EXCELLENT, plan["removed"].pk: Grade.FAIL}
    if year == 2016:
        wanted.update(
            {
                plan["promote_sp"].pk: Grade.EXCELLENT,
                plan["declined"].pk: Grade.EXCELLENT,
                plan["warned"].pk: Grade.FAIL,
            }
        )
    return wanted


SCORE_RANGE = {Grade.EXCELLENT: (91, 97), Grade.GOOD: (81, 88), Grade.PASS: (66, 78), Grade.FAIL: (45, 56)}


def _round(rng: random.Random, staff, admin, year: int, plan: dict, units: dict[str, list[Unit]]) -> None:
    opened = dt.date(year, 12, 1)
    rnd = evaluation.open_round(actor=staff, year=year, title=f"{year} 年度考评", tiers=Tier.values, on=opened)
    wanted = _grade_plan(plan, year, units)
    items = {t: list(RubricItem.objects.filter(rubric__tier=t, retired=False)) for t in Tier.values}
    for ev in rnd.evaluations.select_related("unit"):
        grade = wanted.get(ev.unit_id)
        if grade is None:
            # Studios any grade; star posts never 优秀 (that is a candidate); standard-bearers
            # 优秀 at most in one of the two rounds.
            choices = (
                [Grade.GOOD, Grade.GOOD, Grade.PASS]
                if ev.tier != Tier.STUDIO
                else [Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS]
            )
            if ev.tier == Tier.STANDARD_BEARER and year == 2015:
                choices.append(Grade.EXCELLENT)
            grade = rng.choice(choices)
        target = rng.randint(*SCORE_RANGE[grade])
        for reviewer, shift in ((staff, rng.choice((-1, 0, 1))), (admin, rng.choice((-1, 0, 1)))):
            evaluation.submit_sheet(
                actor=reviewer,
                evaluation=ev,
                points=_points(rng, items[ev.tier], target + shift),
                comment=rng.choice(["", "", "台账规范，成效明显。", "建议加强成果转化。", "带徒成效突出。"]),
            )
    evaluation.close_round(actor=staff, rnd=rnd, on=dt.date(year, 12, 20))


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


def _applications(rng: random.Random, staff, admin, people: dict) -> None:
    """This year's applications: one waiting, one approved and awaiting its plaque, one refused."""
    today = dt.date.today()
    for tier, status in ((Tier.STAR_POST, "waiting"), (Tier.STUDIO, "approved"), (Tier.STANDARD_BEARER, "refused")):
        leader = _pick(people, "leaders")
        unit = services.apply_unit(
            actor=staff,
            on=today - dt.timedelta(days=30),
            data={
                "name": f"{leader.name}劳模创新工作室"
                if tier == Tier.STUDIO
                else f"{leader.name}（{rng.choice(FIELDS)}）"
                if tier == Tier.STANDARD_BEARER
                else f"{leader.union.short_name or leader.union.name}{rng.choice(POSTS)}",
                "tier": tier,
                "leader": leader,
                "leader_name": "",
                "union": leader.union,
                "employer": leader.employer,
                "field": rng.choice(FIELDS),
                "venue": "",
                "founded_on": None,
                "description": "2026 年申报。",
            },
        )
        if status == "approved":
            services.review_unit(
                actor=admin, unit=unit, approve=True, reason="同意，待年底集中授牌", on=today - dt.timedelta(days=10)
            )
        elif status == "refused":
            services.review_unit(
                actor=admin,
                unit=unit,
                approve=False,
                reason="成效材料不足，明年可再申报",
                on=today - dt.timedelta(days=10),
            )


def _team_and_records(rng: random.Random, staff, units: list[Unit], people: dict) -> None:
    notes = {
        Have.TEAM: "领头人带领骨干成员{n}人，分工明确。",
        Have.VENUE: "设有固定活动室，配备实训设备。",
        Have.FUNDS: "单位配套经费与区总工会补助专款专用。",
        Have.MANAGEMENT: "建立例会、台账和考核制度。",
        Have.SIGN: "按全区统一标志制作铭牌和展板。",
        Have.RESULTS: "年度创新成果和带徒成效见成果台账。",
    }
    for unit in units:
        size = rng.randint(3, 7)
        for _ in range(size):
            if rng.random() < 0.3:
                person = _pick(people, "others")
                services.add_member(
                    actor=staff, unit=unit, model_worker=person, name="", position=unit.field, joined_on=unit.founded_on
                )
            else:
                services.add_member(
                    actor=staff,
                    unit=unit,
                    model_worker=None,
                    name=_name(rng),
                    position=unit.field,
                    joined_on=unit.founded_on,
                )
        unmet = (
            rng.choice([None, None, None, Have.FUNDS, Have.SIGN]) if unit.status != UnitStatus.REMOVED else Have.RESULTS
        )
        for have in Have.values:
            services.set_have(
                actor=staff,
                unit=unit,
                have=have,
                met=have != unmet,
                note=notes[have].format(n=size) if have != unmet else "尚在落实中。",
            )
        if unit.tier == Tier.STANDARD_BEARER:
            continue
        start = unit.awarded_on or dt.date(2014, 6, 1)
        meetings = []
        day = start + dt.timedelta(days=20)
        while day < dt.date(2016, 12, 31):
            meetings.append(
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
                    recorded_by=staff,
                )
            )
            day += dt.timedelta(days=rng.randint(80, 100))
        Meeting.objects.bulk_create(meetings)
        if unit.tier == Tier.STUDIO:
            for _ in range(rng.randint(1, 3)):
                agreed = _day(rng, rng.choice((2014, 2015)), 3, 10)
                item = services.add_mentorship(
                    actor=staff,
                    unit=unit,
                    master=unit.leader,
                    master_name="",
                    apprentice_name=_name(rng),
                    agreed_on=agreed,
                    ends_on=agreed.replace(year=agreed.year + 3),
                    goals="三年内掌握核心技能，参加市级以上技能竞赛，取得技师资格。",
                )
                outcome = rng.random()
                if outcome < 0.5:
                    services.record_mentorship_outcome(
                        actor=staff,
                        mentorship=item,
                        state=MentorshipState.COMPLETED,
                        contest_place=rng.choice(["市职业技能大赛二等奖", "区职工技能竞赛一等奖", ""]),
                        grade_reached=rng.choice(["技师", "高级工", "高级技师"]),
                        outcome_on=agreed.replace(year=agreed.year + 2),
                        reward="带徒奖励 2000 元",
                    )
    _inspections(rng, staff, units)


def _inspections(rng: random.Random, staff, units: list[Unit]) -> None:
    for i, unit in enumerate(u for u in units if u.tier != Tier.STANDARD_BEARER and u.status != UnitStatus.REMOVED):
        if i % 3:
            continue
        on = dt.date(2016, 6, rng.randint(1, 28))
        needs = i % 2 == 0
        inspection = services.add_inspection(
            actor=staff,
            unit=unit,
            inspected_on=on,
            inspectors="区总工会督查组",
            findings="台账基本齐全；" + ("活动记录不够完整，需补齐。" if needs else "运行规范。"),
            deadline=on + dt.timedelta(days=60) if needs else None,
        )
        if needs and i % 4 == 0:
            services.follow_up(
                actor=staff,
                inspection=inspection,
                on=on + dt.timedelta(days=45),
                note="已补齐活动记录并建立月度台账。",
                close=True,
            )


def _results(rng: random.Random, staff, units: list[Unit]) -> None:
    """Exactly the article's counts, spread over the studios and star posts and the two years."""
    rows = []

    def add(kind, title, **extra):
        unit = rng.choice(units)
        year = rng.choice((2015, 2016)) if unit.awarded_on.year < 2016 else 2016
        rows.append(
            Achievement(
                unit=unit, kind=kind, title=title.format(f=unit.field, y=year), year=year, created_by=staff, **extra
            )
        )

    levels = [
        AchievementLevel.DISTRICT,
        AchievementLevel.MUNICIPAL,
        AchievementLevel.PROVINCIAL,
        AchievementLevel.ENTERPRISE,
    ]
    for n in range(RESULTS["project_counted"]):
        led = n % 3 != 0
        add(
            AchievementKind.PROJECT,
            rng.choice(PROJECT),
            level=rng.choice(levels),
            role=ProjectRole.LED if led else ProjectRole.TOOK_PART,
            project_status=ProjectStatus.COMPLETED if not led or n % 2 else ProjectStatus.ONGOING,
        )
    for _ in range(RESULTS["project_other"]):
        add(
            AchievementKind.PROJECT,
            rng.choice(PROJECT),
            level=rng.choice(levels),
            role=ProjectRole.TOOK_PART,
            project_status=ProjectStatus.ONGOING,
        )
    for _ in range(RESULTS[AchievementKind.PRODUCT]):
        add(AchievementKind.PRODUCT, rng.choice(PRODUCT))
    for _ in range(RESULTS[AchievementKind.AWARD]):
        add(AchievementKind.AWARD, rng.choice(AWARD), level=rng.choice(levels[:3]), issuer="科技主管部门")
    for n in range(RESULTS[AchievementKind.HONOUR]):
        collective = n % 3 == 0
        add(
            AchievementKind.HONOUR,
            rng.choice(HONOUR_C if collective else HONOUR_I),
            level=rng.choice(levels),
            scope=HonourScope.COLLECTIVE if collective else HonourScope.INDIVIDUAL,
            person_name="" if collective else _name(rng),
        )
    for _ in range(RESULTS[AchievementKind.PATENT]):
        add(AchievementKind.PATENT, "一种" + rng.choice(PRODUCT), issuer="国家知识产权局")
    for _ in range(RESULTS[AchievementKind.PAPER]):
        add(AchievementKind.PAPER, "浅谈" + rng.choice(PROJECT), issuer="行业期刊")
    # One entered twice by mistake, voided: it stays on record and does not count.
    rows.append(
        Achievement(
            unit=units[0],
            kind=AchievementKind.AWARD,
            title="重复录入的奖项",
            year=2016,
            created_by=staff,
            void_reason="重复录入",
            voided_at=timezone.now(),
        )
    )
    Achievement.objects.bulk_create(rows)


def _funding(rng: random.Random, staff, admin, year: int, budget: int) -> None:
    """The year's plan split, approved, paid in January, and part of it spent."""
    plan = funding.save_plan(actor=staff, data={"year": year, "budget": budget, "note": f"{year} 年度“三创”专项经费"})
    funding.approve_plan(actor=admin, plan=plan)
    for allocation in Allocation.objects.filter(plan=plan, amount__gt=0).select_related("unit"):
        funding.disburse(
            actor=staff,
            allocation=allocation,
            paid_on=dt.date(year + 1, 1, 15),
            reference=f"ZB{year}{allocation.pk:04d}",
        )
        if rng.random() < 0.6:
            amount = (allocation.amount * Decimal(rng.choice(("0.3", "0.45", "0.6")))).quantize(Decimal("1"))
            funding.add_expense(
                actor=staff,
                unit=allocation.unit,
                spent_on=dt.date(year + 1, 3, 10),
                amount=amount,
                purpose=rng.choice(["购置实训设备", "举办技能培训", "课题攻关材料费", "成果展示展板制作"]),
            )


def _open_round(rng: random.Random, staff) -> None:
    """This year's round, open: the staff reviewer has scored the first few studios."""
    year = dt.date.today().year
    rnd = evaluation.open_round(actor=staff, year=year, title=f"{year} 年度考评", tiers=Tier.values)
    items = list(RubricItem.objects.filter(rubric__tier=Tier.STUDIO, retired=False))
    for ev in Evaluation.objects.filter(round=rnd, tier=Tier.STUDIO).select_related("unit").order_by("unit_id")[:3]:
        evaluation.submit_sheet(actor=staff, evaluation=ev, points=_points(rng, items, rng.randint(84, 95)))
