"""The proof: what was owed, what was paid, and every gap (按时足额).

For a scheme and a range of periods, every entitled person-period with its standard, the
amount paid and the date paid; and the person-periods that are missing (nothing paid), short
(less than the standard), in progress (the rest is in a batch not yet paid), late (paid in
full, but after the period ended) or overpaid (more than the standard, or paid with nothing
owed). Entitlement comes from the rules as they are now, so a back-dated raise or a
retirement entered late shows as arrears.

The entitlement of each person is computed once per stretch of equal entitlement (see
``entitlement.segments``); the comparison with the ledger runs in the database, over a
temporary table of those stretches joined with the periods — a few statements whatever the
number of ledger entries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import entitlement, periods
from gongjiang.benefits.enums import ReportStatus
from gongjiang.benefits.models import BatchLine, LedgerEntry, Scheme

STATUSES = list(ReportStatus.values)
# What is wrong: owed, or paid late, or paid too much. A period whose rest is in a batch not
# yet paid is being paid — shown apart, not counted as a problem.
PROBLEMS = [ReportStatus.MISSING, ReportStatus.SHORT, ReportStatus.LATE, ReportStatus.OVERPAID]
CENT = Decimal("0.01")


def _dec(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


@dataclass
class Row:
    worker_id: int
    period: dt.date
    due: Decimal
    paid: Decimal
    pending: Decimal
    first_paid: dt.date | None
    last_paid: dt.date | None
    status: str
    level: int | None
    rule_id: int | None
    words: str
    name: str = ""

    @property
    def owed(self) -> Decimal:
        return max(self.due - self.paid - self.pending, Decimal("0"))

    @property
    def over(self) -> Decimal:
        return max(self.paid - self.due, Decimal("0"))


@dataclass
class Report:
    scheme: Scheme
    first: dt.date
    last: dt.date
    totals: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(int(self.totals[k]["n"]) for k in PROBLEMS)

    @property
    def being_paid(self) -> int:
        return int(self.totals[ReportStatus.IN_PROGRESS]["n"])

    @property
    def owed(self) -> Decimal:
        return sum((v["owed"] for v in self.totals.values()), Decimal("0"))

    @property
    def person_periods(self) -> int:
        return sum(int(v["n"]) for v in self.totals.values())


def _to_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def report_span(scheme: Scheme, first: dt.date, last: dt.date) -> tuple[Scheme, dt.date, dt.date]:
    """The scheme and the periods asked for; a period that has not begun is owed nothing yet."""
    now = periods.start_of(timezone.localdate(), scheme.period, scheme.one_off_date)
    first = periods.start_of(first, scheme.period, scheme.one_off_date)
    last = min(periods.start_of(last, scheme.period, scheme.one_off_date), max(now, first))
    return scheme, first, last


def on_time_report(
    scheme: Scheme,
    first: dt.date,
    last: dt.date,
    *,
    rows: bool = False,
    statuses: list[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
    worker_ids: list[int] | None = None,
) -> Report:
    """Totals by status, and (``rows``) the person-periods themselves, problems first."""
    first = scheme.checked_from(first)
    span = periods.between(first, last, scheme.period, scheme.one_off_date) if first <= last else []
    report = Report(
        scheme=scheme,
        first=first,
        last=last,
        totals={
            s: {"n": 0, "due": Decimal(0), "paid": Decimal(0), "owed": Decimal(0), "over": Decimal(0)} for s in STATUSES
        },
    )
    if not span:
        return report
    rules = entitlement.rules_of(scheme)
    people = entitlement.candidates(scheme)
    if worker_ids is not None:
        people = people.filter(pk__in=worker_ids)
    facts = entitlement.load_facts(queryset=people)
    suffix = uuid.uuid4().hex[:8]
    seg, per = f"rpt_seg_{suffix}", f"rpt_per_{suffix}"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMPORARY TABLE {seg} (person bigint, p_from date, p_to date, amount numeric(12,2), "
            f"level integer, rule_id bigint, words varchar(200))"
        )
        cur.execute(f"CREATE TEMPORARY TABLE {per} (ps date, pe date)")
        try:
            due = _fill(cur, seg, per, facts, scheme, rules, span)
            _query(cur, report, seg, per, scheme, span, rows, statuses, limit, offset, worker_ids, due)
        finally:
            cur.execute(f"DROP TABLE {seg}")
            cur.execute(f"DROP TABLE {per}")
    if rows and report.rows:
        names = dict(ModelWorker.objects.filter(pk__in={r.worker_id for r in report.rows}).values_list("pk", "name"))
        for r in report.rows:
            r.name = names.get(r.worker_id, "")
    return report


def _fill(cur, seg, per, facts, scheme, rules, span) -> tuple[int, Decimal]:
    """Load the stretches of entitlement and the periods; return the number of entitled
    person-periods and what they are due, counted here so the database need not."""
    date = (lambda d: d.isoformat()) if connection.vendor == "sqlite" else (lambda d: d)
    index = {p: i for i, p in enumerate(span)}
    seg_rows, due_n, due_sum = [], 0, Decimal(0)
    for wid, f in facts.items():
        for p_from, p_to, due in entitlement.segments(f, scheme, rules, span):
            seg_rows.append((wid, date(p_from), date(p_to), due.amount, due.level, due.rule_id, due.words))
            n = index[p_to] - index[p_from] + 1
            due_n += n
            due_sum += due.amount * n
    per_rows = [(date(p), date(periods.end_of(p, scheme.period))) for p in span]
    if connection.vendor == "postgresql":
        raw = cur.cursor
        with raw.copy(f"COPY {seg} (person, p_from, p_to, amount, level, rule_id, words) FROM STDIN") as copy:
            for row in seg_rows:
                copy.write_row(row)
        with raw.copy(f"COPY {per} (ps, pe) FROM STDIN") as copy:
            for row in per_rows:
                copy.write_row(row)
        cur.execute(f"ANALYZE {seg}")
    else:
        raw = connection.connection
        raw.executemany(
            f"INSERT INTO {seg} VALUES (?, ?, ?, ?, ?, ?, ?)", [(*r[:3], str(r[3]), *r[4:]) for r in seg_rows]
        )
        raw.executemany(f"INSERT INTO {per} VALUES (?, ?)", per_rows)
    return due_n, due_sum


S = ReportStatus
CLASSIFY = f"""
    CASE WHEN paid > due THEN '{S.OVERPAID}'
         WHEN paid + pending < due AND paid = 0 AND pending = 0 THEN '{S.MISSING}'
         WHEN paid + pending < due THEN '{S.SHORT}'
         WHEN paid < due THEN '{S.IN_PROGRESS}'
         WHEN last_paid > pe THEN '{S.LATE}'
         ELSE '{S.OK}' END
"""
ROW_COLUMNS = "person, period, due, paid, pending, first_paid, last_paid, level, rule_id, words, status"


def _query(cur, report, seg, per, scheme, span, rows, statuses, limit, offset, worker_ids, due) -> None:
    """One pass over the ledger keeps the person-periods that are not on time and in full
    (few, as a rule) in a temporary table; the totals of those on time and in full follow
    from what was due, so the ledger is read once. Only a list of every person-period, the
    good ones included, reads it a second time."""
    first, last = span[0], span[-1]
    if connection.vendor == "sqlite":
        first, last = first.isoformat(), last.isoformat()
    people = ""
    params_people: list = []
    if worker_ids is not None:
        marks = ", ".join(["%s"] * len(worker_ids)) or "NULL"
        people = f" AND model_worker_id IN ({marks})"
        params_people = list(worker_ids)
    ledger = LedgerEntry._meta.db_table
    paid_sql = (
        f"SELECT model_worker_id AS person, period, SUM(amount) AS amount, MIN(paid_on) AS first_paid, "
        f"MAX(paid_on) AS last_paid FROM {ledger} WHERE scheme_id = %s AND period BETWEEN %s AND %s{people} "
        f"GROUP BY model_worker_id, period"
    )
    pending_sql = (
        f"SELECT model_worker_id AS person, period, SUM(amount) AS amount FROM benefits_batchline "
        f"WHERE scheme_id = %s AND state = 'pending' AND period BETWEEN %s AND %s{people} "
        f"GROUP BY model_worker_id, period"
    )
    due_sql = (
        f"SELECT s.person, p.ps, p.pe, s.amount, s.level, s.rule_id, s.words "
        f"FROM {seg} s JOIN {per} p ON p.ps BETWEEN s.p_from AND s.p_to"
    )
    args = [scheme.pk, first, last, *params_people]
    tag = seg.removeprefix("rpt_seg_")
    temp = {k: f"rpt_{k}_{tag}" for k in ("due", "paid", "pend", "res", "prob")}
    if connection.vendor == "postgresql":
        # Hash joins: one statement, whatever the size.
        source = f"""(
            WITH due AS ({due_sql}), paid AS ({paid_sql}), pending AS ({pending_sql}),
            joined AS (
                SELECT COALESCE(d.person, x.person) AS person, COALESCE(d.ps, x.period) AS period,
                       COALESCE(d.amount, 0) AS due, COALESCE(x.amount, 0) AS paid, x.first_paid, x.last_paid,
                       d.level, d.rule_id, d.words, d.person IS NOT NULL AS in_due
                FROM due d FULL OUTER JOIN paid x ON x.person = d.person AND x.period = d.ps
            )
            SELECT j.*, COALESCE(n.amount, 0) AS pending, pr.pe FROM joined j
            LEFT JOIN pending n ON n.person = j.person AND n.period = j.period
            JOIN {per} pr ON pr.ps = j.period
        ) f"""
        params = [*args, *args]
    else:
        # SQLite joins by nested loops: give it indexed tables to loop over instead.
        due_t, paid_t, pend_t, res_t = temp["due"], temp["paid"], temp["pend"], temp["res"]
        cur.execute(f"CREATE TEMPORARY TABLE {due_t} AS {due_sql}")
        cur.execute(f"CREATE INDEX {due_t}_k ON {due_t} (person, ps)")
        cur.execute(f"CREATE TEMPORARY TABLE {paid_t} AS {paid_sql}", args)
        cur.execute(f"CREATE INDEX {paid_t}_k ON {paid_t} (person, period)")
        cur.execute(f"CREATE TEMPORARY TABLE {pend_t} AS {pending_sql}", args)
        cur.execute(f"CREATE INDEX {pend_t}_k ON {pend_t} (person, period)")
        cur.execute(f"""CREATE TEMPORARY TABLE {res_t} AS
            SELECT d.person, d.ps AS period, d.amount AS due, COALESCE(x.amount, 0) AS paid, x.first_paid, x.last_paid,
                   d.level, d.rule_id, d.words, 1 AS in_due, d.pe
            FROM {due_t} d LEFT JOIN {paid_t} x ON x.person = d.person AND x.period = d.ps
            UNION ALL
            SELECT x.person, x.period, 0, x.amount, x.first_paid, x.last_paid, NULL, NULL, NULL, 0, pr.pe
            FROM {paid_t} x JOIN {per} pr ON pr.ps = x.period
            WHERE NOT EXISTS (SELECT 1 FROM {due_t} d WHERE d.person = x.person AND d.ps = x.period)""")
        cur.execute(f"CREATE INDEX {res_t}_k ON {res_t} (person, period)")
        source = f"""(SELECT r.*, COALESCE(n.amount, 0) AS pending FROM {res_t} r
                      LEFT JOIN {pend_t} n ON n.person = r.person AND n.period = r.period) f"""
        params = []
    classified = (
        f"SELECT person, period, due, paid, pending, first_paid, last_paid, level, rule_id, words, "
        f"in_due, {CLASSIFY} AS status FROM {source}"
    )
    prob = temp["prob"]
    try:
        # A period neither due nor paid on balance (a payment reversed) is no finding at all.
        cur.execute(
            f"CREATE TEMPORARY TABLE {prob} AS SELECT * FROM ({classified}) c "
            f"WHERE status <> '{S.OK}' AND NOT (due = 0 AND paid = 0 AND pending = 0)",
            params,
        )
        cur.execute(
            f"SELECT status, COUNT(*), SUM(due), SUM(paid), "
            f"SUM(CASE WHEN due - paid - pending > 0 THEN due - paid - pending ELSE 0 END), "
            f"SUM(CASE WHEN paid > due THEN paid - due ELSE 0 END), "
            f"SUM(CASE WHEN in_due THEN 1 ELSE 0 END), SUM(CASE WHEN in_due THEN due ELSE 0 END) "
            f"FROM {prob} GROUP BY status"
        )
        due_n, due_sum = due
        for status, n, s_due, paid, owed, over, n_in_due, due_in_due in cur.fetchall():
            report.totals[status] = {
                "n": n,
                "due": _dec(s_due),
                "paid": _dec(paid),
                "owed": _dec(owed),
                "over": _dec(over),
            }
            due_n -= n_in_due
            due_sum -= _dec(due_in_due)
        # On time and in full means paid exactly what was due.
        report.totals[S.OK] = {
            "n": due_n,
            "due": _dec(due_sum),
            "paid": _dec(due_sum),
            "owed": Decimal(0),
            "over": Decimal(0),
        }
        if rows:
            if statuses is None or S.OK in statuses:
                _rows(
                    cur,
                    report,
                    f"SELECT * FROM ({classified}) c WHERE NOT (due = 0 AND paid = 0 AND pending = 0)",
                    params,
                    statuses,
                    limit,
                    offset,
                )
            else:
                _rows(cur, report, f"SELECT * FROM {prob}", [], statuses, limit, offset)
    finally:
        for table in temp.values():
            cur.execute(f"DROP TABLE IF EXISTS {table}")


def _rows(cur, report, source, params, statuses, limit, offset) -> None:
    where = ""
    if statuses:
        where = " WHERE status IN (" + ", ".join(["%s"] * len(statuses)) + ")"
        params = [*params, *statuses]
    order = (
        f" ORDER BY CASE status WHEN '{S.MISSING}' THEN 0 WHEN '{S.SHORT}' THEN 1 WHEN '{S.OVERPAID}' THEN 2 "
        f"WHEN '{S.LATE}' THEN 3 WHEN '{S.IN_PROGRESS}' THEN 4 ELSE 5 END, period, person"
    )
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    cur.execute(f"SELECT {ROW_COLUMNS} FROM ({source}) c{where}{order}{page}", params)
    for person, period, due, paid, pending, first_paid, last_paid, level, rule_id, words, status in cur.fetchall():
        report.rows.append(
            Row(
                worker_id=person,
                period=_to_date(period),
                due=_dec(due),
                paid=_dec(paid),
                pending=_dec(pending),
                first_paid=_to_date(first_paid),
                last_paid=_to_date(last_paid),
                status=status,
                level=level,
                rule_id=rule_id,
                words=words or "",
            )
        )


# --- For one person ---------------------------------------------------------------------------


def person_owed(
    scheme: Scheme,
    facts: entitlement.Facts,
    rules,
    today: dt.date,
    *,
    paid: list[tuple[dt.date, Decimal]] | None = None,
    pending: list[tuple[dt.date, Decimal]] | None = None,
) -> dict:
    """What one person was owed under a scheme up to today, what was paid, what is being paid
    (in a batch not yet paid), and what is missing. ``paid`` and ``pending`` are the person's
    (period, amount) rows of this scheme, when the caller has them already."""
    zero = Decimal(0)
    if paid is None:
        paid = list(
            LedgerEntry.objects.filter(model_worker_id=facts.worker_id, scheme=scheme).values_list("period", "amount")
        )
    if pending is None:
        pending = list(
            BatchLine.objects.filter(model_worker_id=facts.worker_id, scheme=scheme, state="pending").values_list(
                "period", "amount"
            )
        )
    due_by_period: dict[dt.date, Decimal] = {}
    if rules:
        first = scheme.checked_from(
            periods.start_of(min(r.effective_from for r in rules), scheme.period, scheme.one_off_date)
        )
        span = periods.between(first, today, scheme.period, scheme.one_off_date) if first <= today else []
        index = {p: i for i, p in enumerate(span)}
        for p_from, p_to, due in entitlement.segments(facts, scheme, rules, span):
            for p in span[index[p_from] : index[p_to] + 1]:
                due_by_period[p] = due.amount
    paid_by_period: dict[dt.date, Decimal] = defaultdict(Decimal)
    for period, amount in paid:
        paid_by_period[period] += amount
    pending_by_period: dict[dt.date, Decimal] = defaultdict(Decimal)
    for period, amount in pending:
        pending_by_period[period] += amount
    gaps = []
    for p in sorted(due_by_period):
        short = due_by_period[p] - paid_by_period.get(p, zero) - pending_by_period.get(p, zero)
        if short > 0:
            gaps.append((p, short))
    return {
        "due": sum(due_by_period.values(), zero),
        "paid": sum(paid_by_period.values(), zero),
        "pending": sum(pending_by_period.values(), zero),
        "owed": sum((g for _p, g in gaps), zero),
        "gaps": gaps,
    }


# --- Totals -----------------------------------------------------------------------------------


def totals(scheme: Scheme, first: dt.date, last: dt.date) -> dict[dt.date, dict[int | None, Decimal]]:
    """Paid, by period and level, from the ledger (reversals included)."""

    out: dict[dt.date, dict[int | None, Decimal]] = defaultdict(dict)
    for period, level, amount in (
        LedgerEntry.objects.filter(scheme=scheme, period__range=(first, last))
        .values_list("period", "level")
        .annotate(s=Sum("amount"))
        .order_by("period", "level")
    ):
        out[period][level] = _dec(amount)
    return out
