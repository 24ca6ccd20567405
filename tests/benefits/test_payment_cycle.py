"""For random people and events, a year of batches and then the arrears leaves nothing owed,
and no person-period is ever paid twice."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gongjiang.accounts.enums import Role
from gongjiang.archive import services as archive_services
from gongjiang.archive.enums import HonourKind, Status
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.benefits import services
from gongjiang.benefits.enums import BatchKind, LineState
from gongjiang.benefits.models import BatchLine, LedgerEntry
from gongjiang.benefits.reports import on_time_report
from tests.benefits.conftest import allowance_scheme
from tests.factories import ModelWorkerFactory, OrganisationFactory, UserFactory

MONTHS = [dt.date(2026, m, 1) for m in range(1, 7)]
person = st.fixed_dictionaries(
    {
        "retired": st.sampled_from([None, dt.date(2025, 5, 1), dt.date(2026, 2, 14), dt.date(2026, 4, 30)]),
        "level": st.integers(1, 4),
        "second_level": st.one_of(st.none(), st.integers(1, 3)),
        "year": st.sampled_from([1985, 2005, 2026]),
        "late_retirement": st.sampled_from([None, dt.date(2025, 12, 31), dt.date(2026, 3, 2)]),
    }
)
event = st.one_of(
    st.tuples(st.just("raise"), st.integers(0, 5), st.integers(1, 100)),
    st.tuples(st.just("fail"), st.integers(0, 50)),
    st.tuples(st.just("late_retirement"), st.integers(0, 4)),
    st.tuples(st.just("revoke"), st.integers(0, 4), st.integers(0, 5)),
    st.tuples(
        st.just("nothing"),
    ),
)


class PaymentCycle(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(people=st.lists(person, min_size=1, max_size=5), events=st.lists(event, min_size=6, max_size=6))
    def test_batches_then_arrears_leave_nothing_owed_and_nothing_paid_twice(self, people, events):

        union = OrganisationFactory()
        staff = UserFactory(role=Role.FEDERATION_STAFF, organisation=union)
        approver = UserFactory(role=Role.FEDERATION_STAFF, organisation=union)
        scheme = allowance_scheme(
            staff, start=dt.date(2025, 1, 1), supplement_before_year=1990, supplements={"1": "50", "2": "30", "3": "20"}
        )
        workers = []
        for i, p in enumerate(people):
            w = ModelWorkerFactory(
                union=union,
                birth_date=dt.date(1960, 1, 1),
                status=Status.RETIRED if p["retired"] else Status.WORKING,
                retired_on=p["retired"],
            )
            Honour.objects.create(
                model_worker=w, title="劳模", kind=HonourKind.MODEL_WORKER, level=p["level"], year=p["year"]
            )
            if p["second_level"]:
                Honour.objects.create(
                    model_worker=w, title="劳模", kind=HonourKind.MODEL_WORKER, level=p["second_level"], year=2010
                )
            services.set_account(
                actor=staff,
                worker=w,
                bank="银行",
                account_number=f"62220200000000{i:04d}",
                holder=w.name,
                valid_from=dt.date(2015, 1, 1),
            )
            workers.append((w, p))
        rate = {"1": 300, "2": 200, "3": 80}
        for month, ev in zip(MONTHS, events, strict=True):
            if ev[0] == "raise":  # a standard raised, effective some months back
                start = MONTHS[min(ev[1], MONTHS.index(month))]
                rate = {k: v + ev[2] for k, v in rate.items()}
                if not scheme.rules.filter(effective_from__gte=start).exists():
                    services.save_rule(
                        actor=staff,
                        scheme=scheme,
                        data={
                            "label": f"{start:%Y-%m} 标准",
                            "effective_from": start,
                            "statuses": ["retired"],
                            "levels": [1, 2, 3],
                            "amounts": {k: str(v) for k, v in rate.items()},
                            "supplement_before_year": 1990,
                            "supplements": {"1": "50", "2": "30", "3": "20"},
                        },
                    )
            elif ev[0] == "late_retirement":  # a retirement entered late, back-dated
                w, p = workers[ev[1] % len(workers)]
                if p["late_retirement"] and w.status == Status.WORKING:
                    archive_services.update_model_worker(
                        actor=staff, worker=w, data={"status": Status.RETIRED, "retired_on": p["late_retirement"]}
                    )
            elif ev[0] == "revoke":
                w, _p = workers[ev[1] % len(workers)]
                honour = w.honours.filter(revoked_on__isnull=True).order_by("level").first()
                if honour and honour.year <= month.year:
                    archive_services.revoke_honour(actor=staff, honour=honour, revoked_on=month, reason="撤销")
            batch = services.generate_batch(actor=staff, scheme=scheme, period=month)
            if not batch.lines.filter(state=LineState.PENDING).exists():
                continue
            services.submit_batch(actor=staff, batch=batch)
            services.approve_batch(actor=approver, batch=batch)
            lines = list(batch.lines.filter(state=LineState.PENDING).order_by("pk"))
            results = [
                {
                    "line": line.pk,
                    "paid": not (ev[0] == "fail" and k == ev[1] % len(lines)),
                    "paid_on": month + dt.timedelta(days=9),
                    "reason": "账户冻结",
                }
                for k, line in enumerate(lines)
            ]
            services.record_results(actor=staff, batch=batch, results=results)
        arrears = services.generate_arrears(actor=staff, scheme=scheme, first=MONTHS[0], last=MONTHS[-1])
        if arrears is not None:
            services.submit_batch(actor=staff, batch=arrears)
            services.approve_batch(actor=approver, batch=arrears)
            services.pay_all(actor=staff, batch=arrears, paid_on=dt.date(2026, 7, 5))
        report = on_time_report(scheme, MONTHS[0], MONTHS[-1], rows=True)
        problems = [
            (r.worker_id, r.period, r.status, r.due, r.paid)
            for r in report.rows
            if r.status in ("missing", "short", "overpaid", "in_progress")
        ]
        assert problems == []
        assert report.owed == Decimal(0)
        # No person-period is paid twice: at most one regular payment, and what was paid in
        # all is exactly what was due.
        regular = Counter(
            BatchLine.objects.filter(kind=BatchKind.REGULAR, state=LineState.PAID).values_list(
                "model_worker_id", "period"
            )
        )
        assert max(regular.values(), default=0) <= 1
        for r in report.rows:
            paid = LedgerEntry.objects.filter(model_worker_id=r.worker_id, period=r.period).aggregate(s=Sum("amount"))[
                "s"
            ] or Decimal(0)
            assert paid == r.due, (r.worker_id, r.period, paid, r.due)
        assert ModelWorker.objects.count() == len(people)
