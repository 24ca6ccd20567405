"""Arrears and regular batches made at the same moment (PostgreSQL, real threads and connections)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from gongjiang.archive.enums import Level
from gongjiang.benefits import services
from gongjiang.benefits.enums import BatchKind, LineState
from gongjiang.benefits.models import Batch, BatchLine
from gongjiang.core.errors import DomainError
from tests.benefits.conftest import allowance_scheme, retiree
from tests.benefits.test_concurrency import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RATE = {Level.NATIONAL: Decimal("300.00"), Level.PROVINCIAL: Decimal("200.00"), Level.MUNICIPAL: Decimal("80.00")}


def live_lines(scheme) -> dict:
    out = defaultdict(Decimal)
    for wid, period, amount in BatchLine.objects.filter(scheme=scheme, state=LineState.PENDING).values_list(
        "model_worker_id", "period", "amount"
    ):
        out[(wid, period)] += amount
    return out


def test_arrears_and_regular_generation_at_once_cover_each_person_period_once(staff_user, union_a):
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    people = [retiree(union_a, level=Level(1 + i % 3), actor=staff_user, name=f"并发{i}") for i in range(12)]
    months = [dt.date(2026, m, 1) for m in range(1, 7)]
    for month in months:
        # Two arrears runs and two regular generations for the same month, all at once.
        results = together(
            lambda m=month: services.generate_arrears(actor=staff_user, scheme=scheme, first=m, last=m),
            lambda m=month: services.generate_batch(actor=staff_user, scheme=scheme, period=m),
            lambda m=month: services.generate_arrears(actor=staff_user, scheme=scheme, first=m, last=m),
            lambda m=month: services.generate_batch(actor=staff_user, scheme=scheme, period=m),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
    lines = live_lines(scheme)
    assert lines == {(p.pk, m): RATE[p.highest_level] for p in people for m in months}
    # Whichever ran first took the month; no batch was made with nothing in it.
    for batch in Batch.objects.filter(scheme=scheme, kind=BatchKind.ARREARS):
        assert batch.line_count > 0
    assert Batch.objects.filter(scheme=scheme, kind=BatchKind.REGULAR).count() == len(months)


def test_twelve_arrears_requests_at_once_make_one_batch_and_no_empty_ones(staff_user, union_a):
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    for i in range(5):
        retiree(union_a, level=Level.NATIONAL, actor=staff_user, name=f"有卡{i}")
    retiree(union_a, level=Level.NATIONAL, actor=staff_user, account=False, name="无卡")
    nov = dt.date(2026, 11, 1)
    results = together(
        *[lambda: services.generate_arrears(actor=staff_user, scheme=scheme, first=nov, last=nov) for _ in range(12)]
    )
    made = [r for r in results if isinstance(r, Batch)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(made), len(refused)) == (1, 11), results
    assert {r.message for r in refused} == {
        "这些期间有 1 人应补发但没有登记银行账户（无卡），未生成补发批次。请先登记账户，再生成补发。"
    }
    assert Batch.objects.count() == 1
    batch = Batch.objects.get()
    assert (batch.line_count, batch.total, batch.left_out_count) == (5, Decimal("1500.00"), 1)
