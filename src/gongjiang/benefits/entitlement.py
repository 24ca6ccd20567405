"""Who is owed what, for which period — the rules of rules.md, in one place.

For a period starting ``ps`` and ending ``pe``:

* the person is alive in it: no date of death, or death on or after ``ps`` (treatment ends
  with the month of death);
* the status is "retired" from the period after the retirement date (retired before ``ps``:
  treatment starts the month after retirement), else "working";
* no treatment hold (sanction, investigation, emigration, unreachable) overlaps the period;
* the level is the highest among the model-worker honours held then: awarded by the period
  (an honour counts from January of its year), not void, and not revoked before ``ps``
  (treatment ends with the month of revocation); the May Day medal counts as the level the
  standard says, if it says one;
* the standard in force at ``ps`` names the statuses and levels it pays, and the amount by the
  highest level only (no stacking), plus a supplement when the title at that level was granted
  before a year; hardship aid pays the shortfall of the person's income below the line for
  their status, up to a cap, to people whose hardship file is open in the period.

Everything is computed from the record as it is now, so a retirement or a death entered late,
or a standard raised with an effective date in the past, changes what was owed — and the
按时足额 report shows the difference.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef

from gongjiang.archive.enums import HonourKind, Level, Status
from gongjiang.archive.models import HardshipFile, HardshipSpell, Honour, ModelWorker
from gongjiang.benefits import periods
from gongjiang.benefits.enums import HoldReason
from gongjiang.benefits.models import Scheme, SchemeRule, TreatmentHold

MODEL_KINDS = (HonourKind.MODEL_WORKER, HonourKind.ADVANCED_WORKER)
LEVEL_WORDS = {1: "全国劳模", 2: "省（部）级劳模", 3: "市级劳模", 4: "区级劳模"}
STATUS_WORDS = {Status.WORKING: "在职", Status.RETIRED: "退休"}


@dataclass(frozen=True)
class HonourFact:
    kind: str
    level: int
    year: int
    revoked_on: dt.date | None


@dataclass
class Facts:
    """What entitlement depends on, for one person."""

    worker_id: int
    name: str = ""
    retired_on: dt.date | None = None
    died_on: dt.date | None = None
    honours: list[HonourFact] = field(default_factory=list)
    holds: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)
    hardship: tuple[str, dt.date, dt.date | None, Decimal | None] | None = None  # category, from, to, income
    # The stretches in hardship (from, until-exclusive): a file closed and reopened keeps only its
    # latest dates, so a past period is judged by the spell that covered it. None: the file's dates.
    spells: list[tuple[dt.date, dt.date | None]] | None = None
    verified: bool = True  # a union's record the federation has not yet verified is due nothing


@dataclass(frozen=True)
class Due:
    amount: Decimal
    level: int
    rule_id: int
    words: str


@dataclass(frozen=True)
class LeftOut:
    reason: str
    words: str


@dataclass(frozen=True)
class RuleView:
    """A standard, loaded once and read many times."""

    id: int
    label: str
    effective_from: dt.date
    effective_to: dt.date | None
    statuses: frozenset
    levels: frozenset
    amounts: dict
    supplement_before_year: int | None
    supplements: dict
    medal_level: int | None
    requires_hardship: bool
    hardship_categories: frozenset
    income_line_working: Decimal | None
    income_line_retired: Decimal | None
    income_cap: Decimal | None

    @classmethod
    def of(cls, rule: SchemeRule) -> RuleView:
        return cls(
            id=rule.pk,
            label=rule.label,
            effective_from=rule.effective_from,
            effective_to=rule.effective_to,
            statuses=frozenset(rule.statuses),
            levels=frozenset(int(v) for v in rule.levels),
            amounts={int(k): Decimal(v) for k, v in rule.amounts.items() if v not in (None, "")},
            supplement_before_year=rule.supplement_before_year,
            supplements={int(k): Decimal(v) for k, v in (rule.supplements or {}).items() if v not in (None, "")},
            medal_level=rule.medal_level,
            requires_hardship=rule.requires_hardship,
            hardship_categories=frozenset(rule.hardship_categories or []),
            income_line_working=rule.income_line_working,
            income_line_retired=rule.income_line_retired,
            income_cap=rule.income_cap,
        )

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def rules_of(scheme: Scheme) -> list[RuleView]:
    # .all(): served from prefetch_related("rules") when the caller did that.
    return [RuleView.of(r) for r in sorted(scheme.rules.all(), key=lambda r: r.effective_from)]


def rule_at(rules: list[RuleView], day: dt.date) -> RuleView | None:
    for rule in rules:
        if rule.in_force(day):
            return rule
    return None


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}".replace(".00", "")


def evaluate(facts: Facts, scheme: Scheme, rules: list[RuleView], ps: dt.date) -> Due | LeftOut:
    """The treatment due to one person for the period starting ``ps``."""
    pe = periods.end_of(ps, scheme.period)
    if not facts.verified:
        return LeftOut("unverified", "档案待区总工会核实，核实后方可发放")
    if facts.died_on is not None and facts.died_on < ps:
        return LeftOut("deceased", f"已去世（{facts.died_on.isoformat()}）")
    rule = rule_at(rules, ps)
    if rule is None:
        return LeftOut("no_rule", "该期间没有生效的发放标准")
    status = Status.RETIRED if facts.retired_on is not None and facts.retired_on < ps else Status.WORKING
    for starts, ends, reason in facts.holds:
        if starts <= pe and (ends is None or ends >= ps):
            return LeftOut("hold", f"暂停发放：{reason}（自 {starts.isoformat()}）")
    level = _level_in(facts, rule, ps, pe)
    if level is None:
        return LeftOut("no_title", "无有效的劳模称号")
    if status not in rule.statuses:
        if status == Status.WORKING and Status.RETIRED in rule.statuses:
            if facts.retired_on is not None:
                return LeftOut("status", f"退休后次月起发放（退休于 {facts.retired_on.isoformat()}）")
            return LeftOut("status", "在职，不在发放范围")
        return LeftOut("status", f"{STATUS_WORDS[status]}，不在发放范围")
    if level not in rule.levels:
        return LeftOut("level", f"{LEVEL_WORDS.get(level, '')}不在发放范围")
    parts = [STATUS_WORDS[status], LEVEL_WORDS.get(level, ""), rule.label]
    if rule.requires_hardship:
        hardship = facts.hardship
        spells = facts.spells if facts.spells is not None else ([hardship[1:3]] if hardship else [])
        if hardship is None or not any(start <= pe and (end is None or end > ps) for start, end in spells):
            return LeftOut("hardship", "不是困难劳模")
        if rule.hardship_categories and hardship[0] not in rule.hardship_categories:
            return LeftOut("hardship", "困难类别不在发放范围")
    line = rule.income_line_retired if status == Status.RETIRED else rule.income_line_working
    if line is not None:
        income = facts.hardship[3] if facts.hardship else None
        if income is None:
            return LeftOut("income", "困难档案缺少本人月收入")
        shortfall = line - income
        if shortfall <= 0:
            return LeftOut("income", f"月收入 {_yuan(income)} 不低于保障线 {_yuan(line)}")
        amount = min(shortfall, rule.income_cap) if rule.income_cap is not None else shortfall
        parts.append(
            f"保障线 {_yuan(line)} − 收入 {_yuan(income)}"
            + (
                f"，封顶 {_yuan(rule.income_cap)}"
                if rule.income_cap is not None and shortfall > rule.income_cap
                else ""
            )
        )
    else:
        amount = rule.amounts.get(level)
        if amount is None:
            return LeftOut("level", f"{LEVEL_WORDS.get(level, '')}无发放标准")
        supplement = _supplement(facts, rule, level, ps, pe)
        if supplement:
            parts.append(f"{rule.supplement_before_year} 年前称号补贴 {_yuan(supplement)}")
            amount += supplement
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:
        return LeftOut("zero", "应发金额为零")
    words = " · ".join(p for p in parts if p) + f" {_yuan(amount)}"
    return Due(amount=amount, level=level, rule_id=rule.id, words=words[:200])


def _counts(h: HonourFact, rule: RuleView, ps: dt.date, pe: dt.date) -> int | None:
    """The level an honour gives in the period, or None."""
    if h.year > pe.year:
        return None
    if h.revoked_on is not None and h.revoked_on < ps:
        return None
    if h.kind in MODEL_KINDS:
        return h.level
    if h.kind == HonourKind.MAY_DAY_MEDAL and rule.medal_level:
        return rule.medal_level
    return None


def _level_in(facts: Facts, rule: RuleView, ps: dt.date, pe: dt.date) -> int | None:
    levels = [lv for lv in (_counts(h, rule, ps, pe) for h in facts.honours) if lv is not None]
    return min(levels) if levels else None


def _supplement(facts: Facts, rule: RuleView, level: int, ps: dt.date, pe: dt.date) -> Decimal:
    if not rule.supplement_before_year or level not in rule.supplements:
        return Decimal("0")
    early = any(_counts(h, rule, ps, pe) == level and h.year < rule.supplement_before_year for h in facts.honours)
    return rule.supplements[level] if early else Decimal("0")


def breakpoints(facts: Facts, rules: list[RuleView]) -> set[dt.date]:
    """Days after which a person's entitlement may change (a period starting on or after one of
    these may differ from the period before). Used to evaluate each person once per stretch of
    equal entitlement rather than once per month."""
    days: set[dt.date] = set()

    def after(day: dt.date | None) -> None:
        if day is not None:
            days.add(day + dt.timedelta(days=1))

    after(facts.retired_on)
    after(facts.died_on)
    for h in facts.honours:
        days.add(dt.date(h.year, 1, 1))
        after(h.revoked_on)
    for starts, ends, _reason in facts.holds:
        days.add(starts)
        after(ends)
    if facts.hardship:
        days.add(facts.hardship[1])
        after(facts.hardship[2])
    for entered, left in facts.spells or []:
        days.add(entered)
        if left is not None:  # the first day out of hardship
            days.add(left)
    for rule in rules:
        days.add(rule.effective_from)
        after(rule.effective_to)
    return days


def segments(facts: Facts, scheme: Scheme, rules: list[RuleView], span: list[dt.date]):
    """(first period, last period, Due) for each stretch of equal entitlement within ``span``
    (the periods of the report, in order). Periods with nothing due are left out."""
    if not span:
        return []
    starts = {span[0]}
    points = sorted(breakpoints(facts, rules))
    for day in points:
        p = periods.start_of(day, scheme.period, scheme.one_off_date)
        for candidate in (p, periods.next_start(p, scheme.period)):
            if span[0] <= candidate <= span[-1]:
                starts.add(candidate)
    index = {p: i for i, p in enumerate(span)}
    starts = sorted(s for s in starts if s in index)
    out = []
    for k, first in enumerate(starts):
        last = span[index[starts[k + 1]] - 1] if k + 1 < len(starts) else span[-1]
        result = evaluate(facts, scheme, rules, first)
        if isinstance(result, Due):
            if out and out[-1][2] == result and index[out[-1][1]] + 1 == index[first]:
                out[-1] = (out[-1][0], last, result)
            else:
                out.append((first, last, result))
    return out


# --- Loading the facts ------------------------------------------------------------------------


def load_facts(worker_ids=None, queryset=None) -> dict[int, Facts]:
    """Facts for the given people (ids or a queryset of ModelWorker), in a few queries."""

    people = queryset if queryset is not None else ModelWorker.objects.filter(pk__in=list(worker_ids or []))
    facts: dict[int, Facts] = {}
    rows = people.values_list("pk", "name", "retired_on", "died_on", "verification")
    for pk, name, retired_on, died_on, verification in rows.iterator(10_000):
        facts[pk] = Facts(
            worker_id=pk, name=name, retired_on=retired_on, died_on=died_on, verified=verification == "confirmed"
        )
    ids = list(facts)
    if not ids:
        return facts
    scope = people.values("pk") if queryset is not None else ids

    honours = Honour.objects.filter(model_worker__in=scope, voided_at__isnull=True)
    for wid, kind, level, year, revoked_on in honours.values_list(
        "model_worker_id", "kind", "level", "year", "revoked_on"
    ).iterator(20_000):
        if wid in facts:
            facts[wid].honours.append(HonourFact(kind, level, year, revoked_on))
    holds = defaultdict(list)
    for wid, starts, ends, reason in TreatmentHold.objects.filter(model_worker__in=scope).values_list(
        "model_worker_id", "starts_on", "ends_on", "reason"
    ):
        holds[wid].append((starts, ends, _hold_words(reason)))
    for wid, rows in holds.items():
        if wid in facts:
            facts[wid].holds = rows
    for wid, category, established, ended, income in HardshipFile.objects.filter(model_worker__in=scope).values_list(
        "model_worker_id", "category", "established_on", "ended_on", "monthly_income"
    ):
        if wid in facts:
            facts[wid].hardship = (category, established, ended, income)
    # A file with no spell recorded (written around the services) is judged by its own dates.
    for wid, entered, left in HardshipSpell.objects.filter(model_worker__in=scope).values_list(
        "model_worker_id", "entered_on", "left_on"
    ):
        if wid in facts and facts[wid].hardship is not None:
            facts[wid].spells = [*(facts[wid].spells or []), (entered, left)]
    return facts


def _hold_words(reason: str) -> str:

    return str(HoldReason(reason).label) if reason in HoldReason.values else reason


def candidates(scheme: Scheme):
    """The people who could be entitled: every live, verified record with a title a standard
    may count."""

    kinds = list(MODEL_KINDS)
    if scheme.rules.filter(medal_level__isnull=False).exists():
        kinds.append(HonourKind.MAY_DAY_MEDAL)
    titled = Honour.objects.filter(model_worker=OuterRef("pk"), kind__in=kinds, voided_at__isnull=True)
    # Only verified records: a union's submission is due nothing until the federation confirms it.
    return ModelWorker.objects.filter(archived_at__isnull=True, verification="confirmed").filter(Exists(titled))


__all__ = ["Due", "Facts", "LeftOut", "Level", "evaluate", "load_facts", "rules_of", "segments"]
