"""Demo visits and needs (走访慰问, 办实事) from 2016 to today.

Each year a Spring Festival plan (the visits in the three weeks before the festival: 2016's was on
8 February) and a May Day plan (the last week of April), focused as the article says on the model
workers in hardship on the day (their hardship spells) and the seriously ill (their hardship
file), the Spring Festival also on everyone at the visit rule's age; May Day also on a few
front-line model workers at work. The federation goes, or the person's union where it has a
user of its own; every planned visit made by ``today`` is recorded under the article's headings
and linked to its entry. Between the holidays: hospital visits to the seriously ill, and a
visit to whoever fell into hardship that year. About one visit in eight takes up a need, and a
few come by phone; most are resolved with the person's satisfaction, and the last weeks' are
still open, some past their deadline, held by the demo's staff user.

Nothing at a visit is money: condolence goes through the ledger (``Visit.gifts`` is not used).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import Organisation, User
from gongjiang.accounts.permissions import SYSTEM
from gongjiang.care.enums import Allowance, NeedSource, NeedState, Occasion, Satisfaction, VisitMode
from gongjiang.care.models import Need, NeedStep, PlanEntry, Visit, VisitPlan, VisitRule

if TYPE_CHECKING:
    from gongjiang.demo.care import Person

SPRING_FESTIVAL = {
    2016: (2, 8),
    2017: (1, 28),
    2018: (2, 16),
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
}
HEALTH_ILL = ("身患重病，正在治疗，精神状态尚可", "重病术后康复中，需定期复查", "长期服药治疗，行动不便")
HEALTH_OLD = ("年事已高，身体基本健康", "腿脚不便，生活基本能自理", "有慢性病，按时服药")
HEALTH = ("身体健康", "身体状况良好", "有慢性病，按时服药")
FAMILY = ("与老伴同住，子女常回家探望", "子女在外地工作，老两口同住", "独居，社区定期上门", "与子女同住，家庭和睦")
INCOME_HARD = ("家庭收入偏低，医疗支出较大", "主要依靠退休金，家庭负担较重")
INCOME = ("收入稳定", "退休金按时足额领取，收入稳定")
THOUGHTS = (
    "感谢党和政府、工会组织的关心",
    "希望多组织劳模交流活动",
    "关心单位发展，愿意发挥余热",
    "希望子女工作稳定",
)
LIVING = ("生活基本能自理", "生活规律，精神面貌好")
LIVING_CARED = ("生活需家人照料", "由家人轮流照料")
HOUSING = ("自有住房，居住条件尚可", "老旧小区，无电梯，上下楼不便", "住房面积较小")
# (need, how it was resolved)
VISIT_NEEDS = (
    ("希望帮助联系医院专家会诊", "已协调区人民医院安排专家会诊"),
    ("申请困难劳模帮扶补助", "已按规定办理帮扶补助"),
    ("家中老旧电线需检修", "已联系社区物业上门检修"),
    ("希望办理居家养老上门服务", "已协调街道为其开通居家养老服务"),
    ("子女就业咨询", "已推荐参加区总工会就业招聘会"),
    ("楼道需加装扶手", "已联系社区为楼道加装扶手"),
)
ALLOWANCE_NEED = ("劳模荣誉津贴未按月到账，请核实", "经核实为银行账户变更所致，已按新账户补发")
PHONE_NEEDS = (
    ("来电咨询劳模疗休养报名", "已说明今年疗休养安排并登记意向"),
    ("来电希望参加劳模体检", "已列入下一批体检名单"),
    ("来电反映住院费用报销问题", "已协调医保部门说明报销政策"),
    ("来电希望了解劳模荣誉津贴标准", "已电话说明津贴标准和发放时间"),
)
STEPS = ("已联系本人及家属了解具体情况", "已与有关部门协调办理")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def spring_festival(year: int) -> dt.date:
    return dt.date(year, *SPRING_FESTIVAL.get(year, (2, 1)))


@dataclass
class Planned:
    person: Person
    occasion: str
    day: dt.date
    mode: str
    reason: str
    plan: VisitPlan | None = None


def _why(p: Person, day: dt.date, age_limit: int) -> list[str]:
    out = []
    if p.in_hardship(day):
        out.append("生活困难")
    if p.seriously_ill(day):
        out.append("患重病")
    if p.age(day) >= age_limit:
        out.append(f"{p.age(day)}岁")
    return out


def _year(year: int, people: list[Person], age_limit, rng: random.Random) -> list[Planned]:
    """The year's visits: the two holidays' and the daily must-visits."""
    out = []
    sf = spring_festival(year)
    ref = sf - dt.timedelta(days=20)
    for p in people:
        day = sf - dt.timedelta(days=rng.randint(4, 18))
        why = _why(p, ref, age_limit(ref))
        if why and p.titled(ref) and p.alive(day):
            mode = VisitMode.HOSPITAL if p.seriously_ill(ref) and rng.random() < 0.3 else VisitMode.HOME
            out.append(Planned(p, Occasion.SPRING_FESTIVAL, day, mode, "；".join(why)))
    ref = dt.date(year, 4, 20)
    may_day = []
    for p in people:
        day = dt.date(year, 4, rng.randint(22, 29))
        why = _why(p, ref, 200)
        if why and p.titled(ref) and p.alive(day):
            may_day.append(Planned(p, Occasion.MAY_DAY, day, VisitMode.HOME, "；".join(why)))
    focus = {v.person.pk for v in may_day}
    front = [p for p in people if p.pk not in focus and p.front_line and p.working(ref) and p.titled(ref)]
    for p in rng.sample(front, min(8, len(front))):
        may_day.append(Planned(p, Occasion.MAY_DAY, dt.date(year, 4, rng.randint(22, 29)), VisitMode.HOME, "一线劳模"))
    out += may_day
    for month in (3, 7, 11):
        day = dt.date(year, month, rng.randint(5, 25))
        ill = [p for p in people if p.seriously_ill(day) and p.alive(day) and p.titled(day)]
        if ill:
            out.append(Planned(rng.choice(ill), Occasion.ILLNESS, day, VisitMode.HOSPITAL, "住院治疗"))
    for p in people:
        for entered, _left in p.spells:
            day = entered + dt.timedelta(days=12)
            if entered.year == year > 2015 and p.alive(day) and p.titled(day):
                out.append(Planned(p, Occasion.HARDSHIP, day, VisitMode.HOME, "新近陷入困难"))
    return out


def _findings(v: Planned, rng: random.Random) -> dict:
    p, day = v.person, v.day
    ill, hard, old = p.seriously_ill(day), p.in_hardship(day), p.age(day) >= 80
    return {
        "health": rng.choice(HEALTH_ILL if ill else HEALTH_OLD if old else HEALTH),
        "family": rng.choice(FAMILY),
        "income": rng.choice(INCOME_HARD if hard else INCOME),
        "thoughts": rng.choice(THOUGHTS),
        "living": rng.choice(LIVING_CARED if ill or (old and rng.random() < 0.5) else LIVING),
        "housing": rng.choice(HOUSING),
        "allowance": Allowance.PROBLEM if rng.random() < 0.02 else Allowance.ARRIVES,
    }


def play_visits(
    *,
    today: dt.date,
    federation: Organisation,
    staff: User,
    union_user: User | None,
    people: dict[int, Person],
    rng: random.Random,
) -> None:
    """The visit plans, their entries and visits, the daily visits and the needs, 2016 to ``today``."""
    rules = list(VisitRule.objects.order_by("effective_from").values_list("effective_from", "age_at_least"))

    def age_limit(day: dt.date) -> int:
        return next((age for since, age in reversed(rules) if since <= day), 80)

    everyone = sorted(people.values(), key=lambda p: p.pk)
    years = range(2016, today.year + 1)
    plans = VisitPlan.objects.bulk_create(
        [
            VisitPlan(occasion=occasion, year=y, title=f"{y}年{label}走访慰问", created_by=staff)
            for y in years
            for occasion, label in ((Occasion.SPRING_FESTIVAL, "春节"), (Occasion.MAY_DAY, "五一"))
        ]
    )
    plan_of = {(plan.year, plan.occasion): plan for plan in plans}
    planned = []
    for y in years:
        for v in _year(y, everyone, age_limit, rng):
            v.plan = plan_of.get((y, v.occasion))
            planned.append(v)
    ours = union_user.organisation_id if union_user is not None else None
    short = staff.full_name.split()[-1] if staff.full_name else staff.username
    visits: list[tuple[Planned, Visit]] = []
    entries = []
    for v in planned:
        by_union = v.person.union_id == ours
        visit = None
        if v.day <= today:
            # The union's own user goes to its people; the federation's leaders join its holiday visits.
            holiday = f"区总工会领导、{short}" if v.plan is not None else short
            visitors = union_user.full_name if union_user is not None and by_union else holiday
            visit = Visit(
                model_worker_id=v.person.pk,
                occasion=v.occasion,
                mode=v.mode,
                visited_on=v.day,
                visitors=visitors,
                recorded_by=union_user if by_union else staff,
                **_findings(v, rng),
            )
            visits.append((v, visit))
        if v.plan is not None:
            entries.append(
                PlanEntry(
                    plan=v.plan,
                    model_worker_id=v.person.pk,
                    reason=v.reason,
                    assigned_to_id=v.person.union_id if by_union else federation.pk,
                    visit=visit,
                )
            )
    Visit.objects.bulk_create([visit for _v, visit in visits], batch_size=2000)
    PlanEntry.objects.bulk_create(entries, batch_size=2000)
    record(
        actor=SYSTEM,
        action=AuditAction.CREATE,
        object_type="care.visit",
        object_repr=f"演示数据：{len(plans)}个走访慰问计划、{len(visits)}次走访",
        detail={"plans": len(plans), "entries": len(entries), "rows": len(visits)},
    )
    _play_needs(today=today, staff=staff, union_user=union_user, everyone=everyone, visits=visits, rng=rng)


def _play_needs(*, today, staff, union_user, everyone, visits, rng) -> None:
    ours = union_user.organisation_id if union_user is not None else None

    def holder(p: Person) -> User:
        return union_user if p.union_id == ours else staff

    needs: list[tuple[Need, list[NeedStep]]] = []

    def need(p, source, what, raised, *, visit=None, holder_=None, lag=None, deadline=30):
        description, resolution = what
        lag = rng.randint(6, 45) if lag is None else lag
        resolved = raised + dt.timedelta(days=lag) if lag >= 0 else None
        done = resolved is not None and resolved <= today
        who = holder_ or holder(p)
        row = Need(
            model_worker_id=p.pk,
            source=source,
            visit=visit,
            description=description,
            holder=who,
            deadline=raised + dt.timedelta(days=deadline),
            state=NeedState.RESOLVED if done else NeedState.OPEN,
            resolution=resolution if done else "",
            resolved_on=resolved if done else None,
            satisfaction=rng.choice((Satisfaction.VERY,) * 5 + (Satisfaction.SATISFIED,) * 4 + (Satisfaction.PARTLY,))
            if done
            else "",
            raised_on=raised,
            created_by=who,
        )
        end = resolved if done else today + dt.timedelta(days=1)
        days = [raised + dt.timedelta(days=rng.randint(1, 4))]
        if lag > 14 or not done:
            days.append(raised + dt.timedelta(days=max(lag, 10) // 2 + 2))
        steps = [NeedStep(on=d, note=note, by=who) for d, note in zip(days, STEPS, strict=False) if d < end]
        needs.append((row, steps))

    for v, visit in visits:
        if visit.allowance == Allowance.PROBLEM:
            need(v.person, NeedSource.VISIT, ALLOWANCE_NEED, v.day, visit=visit)
        elif rng.random() < 0.125:
            need(v.person, NeedSource.VISIT, rng.choice(VISIT_NEEDS), v.day, visit=visit)
    for year in range(2016, today.year + 1):
        for month in (3, 6, 10):
            day = dt.date(year, month, rng.randint(1, 28))
            if day <= today - dt.timedelta(days=90):
                alive = [p for p in everyone if p.alive(day) and p.titled(day)]
                need(rng.choice(alive), NeedSource.PHONE, rng.choice(PHONE_NEEDS), day)
    # The last weeks': two past their deadline and one not yet due, open, held by the staff user; one resolved.
    federations = [p for p in everyone if p.union_id != ours and p.alive(today) and p.titled(today)]
    for ago, lag in ((70, -1), (50, -1), (20, -1), (40, 35)):
        raised = today - dt.timedelta(days=ago)
        need(rng.choice(federations), NeedSource.PHONE, rng.choice(PHONE_NEEDS), raised, holder_=staff, lag=lag)
    Need.objects.bulk_create([n for n, _steps in needs], batch_size=2000)
    steps = []
    for n, mine in needs:
        for step in mine:
            step.need = n
            steps.append(step)
    NeedStep.objects.bulk_create(steps, batch_size=2000)
    record(
        actor=SYSTEM,
        action=AuditAction.CREATE,
        object_type="care.need",
        object_repr=f"演示数据：{len(needs)}件办实事",
        detail={"rows": len(needs), "steps": len(steps)},
    )
