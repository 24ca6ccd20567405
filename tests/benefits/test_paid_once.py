"""No person-period is paid twice, whatever the order of regular and arrears batches."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from gongjiang.accounts.enums import Role
from gongjiang.archive import services as archive_services
from gongjiang.archive.enums import Level
from gongjiang.benefits import services
from gongjiang.benefits.enums import LedgerKind, LineState, SchemeKind, SchemePeriod
from gongjiang.benefits.models import Batch, LedgerEntry, LeftOut
from gongjiang.benefits.reports import report_span
from gongjiang.core.errors import DomainError
from tests.benefits.conftest import allowance_scheme, retiree

DEC = dt.date(2026, 12, 1)


def pay(batch, preparer, approver, paid_on):
    services.submit_batch(actor=preparer, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    services.pay_all(actor=preparer, batch=batch, paid_on=paid_on)


def test_arrears_over_the_current_period_then_its_regular_batch_pay_each_person_period_once(
    staff_user, make_user, union_a
):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    people = [retiree(union_a, level=Level(1 + i % 3), actor=staff_user, name=f"困难{i}") for i in range(3)]
    # The sequence of the report: arrears over the whole year, the current period included, …
    _scheme, first, last = report_span(scheme, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    arrears = services.generate_arrears(actor=staff_user, scheme=scheme, first=first, last=last)
    pay(arrears, staff_user, approver, dt.date(2026, 12, 3))
    # … then the regular batch of the current period.
    december = services.generate_batch(actor=staff_user, scheme=scheme, period=DEC)
    pay(december, staff_user, approver, dt.date(2026, 12, 10))
    payments = Counter(
        LedgerEntry.objects.filter(scheme=scheme, kind=LedgerKind.PAYMENT).values_list("model_worker_id", "period")
    )
    assert max(payments.values()) == 1
    assert len(payments) == 3 * 12
    rate = {Level.NATIONAL: Decimal(300), Level.PROVINCIAL: Decimal(200), Level.MUNICIPAL: Decimal(80)}
    paid = dict(LedgerEntry.objects.filter(scheme=scheme).values_list("model_worker_id").annotate(s=Sum("amount")))
    assert paid == {p.pk: rate[p.highest_level] * 12 for p in people}


def test_december_is_left_to_its_regular_batch_until_that_batch_is_paid(staff_user, make_user, union_a):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    person = retiree(union_a, actor=staff_user, name="国一")
    arrears = services.generate_arrears(
        actor=staff_user, scheme=scheme, first=dt.date(2026, 1, 1), last=DEC, today=dt.date(2026, 12, 3)
    )
    assert arrears.title == "劳模荣誉津贴补发（2026年1月 至 2026年11月）"
    assert sorted(arrears.lines.values_list("period", flat=True)) == [dt.date(2026, m, 1) for m in range(1, 12)]
    with pytest.raises(DomainError) as only_december:
        services.generate_arrears(actor=staff_user, scheme=scheme, first=DEC, last=DEC, today=dt.date(2026, 12, 3))
    assert only_december.value.message == ("2026年12月由常规批次发放。补发只针对已结束的期间，或常规批次已发放的期间。")
    december = services.generate_batch(actor=staff_user, scheme=scheme, period=DEC)
    pay(december, staff_user, approver, dt.date(2026, 12, 10))
    # Paid: a raise back-dated to December now owes the difference, as arrears.
    services.save_rule(
        actor=staff_user,
        scheme=scheme,
        data={
            "label": "12 月调标",
            "effective_from": DEC,
            "statuses": ["retired"],
            "levels": [1, 2, 3],
            "amounts": {"1": "350", "2": "230", "3": "100"},
        },
    )
    difference = services.generate_arrears(
        actor=staff_user, scheme=scheme, first=DEC, last=DEC, today=dt.date(2026, 12, 12)
    )
    assert [(line.model_worker_id, line.period, line.amount) for line in difference.lines.all()] == [
        (person.pk, DEC, Decimal("50.00"))
    ]


def test_a_regular_batch_after_arrears_pays_only_what_the_arrears_did_not(staff_user, make_user, union_a):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    a = retiree(union_a, actor=staff_user, name="国一")
    b = retiree(union_a, level=Level.PROVINCIAL, actor=staff_user, name="省二")
    nov = dt.date(2026, 11, 1)
    arrears = services.generate_arrears(actor=staff_user, scheme=scheme, first=nov, last=nov)
    assert arrears.line_count == 2
    pay(arrears, staff_user, approver, dt.date(2026, 11, 20))
    # A raise back-dated to November after the arrears were paid: the regular batch pays the rest.
    services.save_rule(
        actor=staff_user,
        scheme=scheme,
        data={
            "label": "11 月调标",
            "effective_from": nov,
            "statuses": ["retired"],
            "levels": [1],
            "amounts": {"1": "340"},
        },
    )
    november = services.generate_batch(actor=staff_user, scheme=scheme, period=nov)
    assert [(line.model_worker_id, line.amount, line.words) for line in november.lines.all()] == [
        (a.pk, Decimal("40.00"), "退休 · 全国劳模 · 11 月调标 ¥340；其中 ¥300.00 已由补发批次发放")
    ]
    assert list(LeftOut.objects.filter(batch=november).values_list("model_worker_id", "reason", "words")) == [
        (b.pk, "level", "省（部）级劳模不在发放范围")
    ]


def test_a_person_paid_by_arrears_is_left_out_of_the_regular_batch_with_the_reason(staff_user, union_a):
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    person = retiree(union_a, actor=staff_user, name="国一")
    nov = dt.date(2026, 11, 1)
    services.generate_arrears(actor=staff_user, scheme=scheme, first=nov, last=nov)
    november = services.generate_batch(actor=staff_user, scheme=scheme, period=nov)
    assert (november.line_count, november.left_out_count) == (0, 1)
    assert list(LeftOut.objects.filter(batch=november).values_list("model_worker_id", "reason", "words")) == [
        (person.pk, "covered", "本期已在补发批次中发放或正在发放")
    ]


def test_nothing_payable_makes_no_batch_and_names_the_people_without_an_account(staff_user, union_a):
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    retiree(union_a, actor=staff_user, account=False, name="无卡")
    nov = dt.date(2026, 11, 1)
    with pytest.raises(DomainError) as refused:
        services.generate_arrears(actor=staff_user, scheme=scheme, first=nov, last=nov)
    assert refused.value.message == (
        "这些期间有 1 人应补发但没有登记银行账户（无卡），未生成补发批次。请先登记账户，再生成补发。"
    )
    assert Batch.objects.count() == 0
    # With one person to pay, the batch is made and the other is listed as left out.
    paid = retiree(union_a, actor=staff_user, name="有卡")
    batch = services.generate_arrears(actor=staff_user, scheme=scheme, first=nov, last=nov)
    assert [line.model_worker_id for line in batch.lines.all()] == [paid.pk]
    assert list(LeftOut.objects.filter(batch=batch).values_list("words", flat=True)) == ["无银行账户"]
    with pytest.raises(DomainError):  # still owed, still without an account: no second batch
        services.generate_arrears(actor=staff_user, scheme=scheme, first=nov, last=nov)
    assert Batch.objects.count() == 1


def test_a_failure_is_not_carried_once_the_title_is_revoked_back_to_before_it(staff_user, make_user, union_a):

    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    person = retiree(union_a, actor=staff_user, name="国一")
    october = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 10, 1))
    services.submit_batch(actor=staff_user, batch=october)
    services.approve_batch(actor=approver, batch=october)
    line = october.lines.get()
    services.record_results(
        actor=staff_user, batch=october, results=[{"line": line.pk, "paid": False, "reason": "销户"}]
    )
    archive_services.revoke_honour(
        actor=staff_user, honour=person.honours.get(), revoked_on=dt.date(2026, 9, 15), reason="撤销称号"
    )
    november = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 11, 1))
    assert november.line_count == 0
    line.refresh_from_db()
    assert line.state == LineState.FAILED


def test_the_preparer_gets_403_even_after_someone_else_approved(staff_user, make_user, union_a):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    retiree(union_a, actor=staff_user, name="国一")
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 11, 1))
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    with pytest.raises(DomainError) as refused:
        services.approve_batch(actor=staff_user, batch=batch)
    assert (refused.value.code, refused.value.message) == ("forbidden", "此批次由您制作，须由他人审批。")


def test_a_one_off_payment_whose_date_has_passed_can_be_paid_as_arrears_once(staff_user, union_a):

    scheme = services.save_scheme(
        actor=staff_user,
        data={
            "name": "春节慰问金",
            "kind": SchemeKind.HOLIDAY_CONDOLENCE,
            "period": SchemePeriod.ONE_OFF,
            "one_off_date": dt.date(2026, 1, 20),
        },
    )
    services.save_rule(
        actor=staff_user,
        scheme=scheme,
        data={
            "label": "2026 年春节",
            "effective_from": dt.date(2026, 1, 1),
            "statuses": ["working", "retired"],
            "levels": [1, 2, 3],
            "amounts": {"1": "2000", "2": "1000", "3": "500"},
        },
    )
    person = retiree(union_a, actor=staff_user, name="国一")
    arrears = services.generate_arrears(
        actor=staff_user, scheme=scheme, first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31)
    )
    assert [(line.model_worker_id, line.period, line.amount) for line in arrears.lines.all()] == [
        (person.pk, dt.date(2026, 1, 20), Decimal("2000.00"))
    ]
    regular = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 1, 20))
    assert (regular.line_count, regular.left_out_count) == (0, 1)
