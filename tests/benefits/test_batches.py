import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services as archive_services
from gongjiang.archive.enums import Level
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import services
from gongjiang.benefits.enums import BatchKind, BatchState, LedgerKind, LineState, SchemeKind, SchemePeriod
from gongjiang.benefits.models import BatchLine, Item, LedgerEntry, LeftOut
from gongjiang.benefits.reports import on_time_report
from gongjiang.core.errors import DomainError
from tests.benefits.conftest import allowance_scheme, retiree
from tests.factories import ModelWorkerFactory

NOV = dt.date(2026, 11, 1)


def test_a_batch_has_a_line_per_entitled_person_in_words_and_the_others_with_their_reason(scheme, people, staff_user):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 11, 20))
    assert (batch.period, batch.title, batch.state) == (NOV, "劳模荣誉津贴 · 2026年11月", BatchState.DRAFT)
    lines = {line.model_worker.name: line for line in batch.lines.select_related("model_worker")}
    assert {n: (str(line.amount), line.words) for n, line in lines.items()} == {
        "国一": ("300.00", "退休 · 全国劳模 · 2016 年标准 ¥300"),
        "省二": ("200.00", "退休 · 省（部）级劳模 · 2016 年标准 ¥200"),
    }
    assert lines["国一"].account_number.startswith("6222020000000000")
    left = {x.model_worker.name: x.words for x in LeftOut.objects.filter(batch=batch).select_related("model_worker")}
    assert left == {"新退": "退休后次月起发放（退休于 2026-11-03）", "在职": "在职，不在发放范围", "无卡": "无银行账户"}
    assert (batch.line_count, batch.total, batch.left_out_count) == (2, Decimal("500.00"), 3)


def test_generating_again_adds_nothing_and_the_database_refuses_a_second_line(scheme, people, staff_user):
    first = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    again = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    assert (again.pk, BatchLine.objects.count()) == (first.pk, 2)
    line = first.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchLine.objects.create(
            batch=first, scheme=scheme, model_worker=line.model_worker, period=NOV, amount=1, words="x"
        )


def test_the_preparer_may_not_approve(scheme, people, staff_user, make_user):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    with pytest.raises(DomainError) as e:
        services.approve_batch(actor=staff_user, batch=batch)
    assert e.value.message == "此批次由您制作，须由他人审批。"
    other = make_user(Role.FEDERATION_STAFF, username="shenpi")
    batch = services.approve_batch(actor=other, batch=batch)
    assert (batch.state, batch.approved_by) == (BatchState.APPROVED, other)
    states = [e.changes.get("state") for e in AuditEntry.objects.filter(object_type="benefits.batch").order_by("id")]
    assert [s for s in states if s] == [["draft", "submitted"], ["submitted", "approved"]]


def test_lines_change_only_in_draft(scheme, people, staff_user, make_user):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    line = batch.lines.first()
    services.remove_line(actor=staff_user, line=line, reason="本人放弃")
    batch.refresh_from_db()
    assert (batch.line_count, batch.total) == (1, Decimal("200.00"))
    services.submit_batch(actor=staff_user, batch=batch)
    with pytest.raises(DomainError):
        services.remove_line(actor=staff_user, line=batch.lines.get(state=LineState.PENDING), reason="x")


def test_paying_records_the_ledger_and_a_failure_goes_into_the_next_batch(scheme, people, staff_user, make_user):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    national = batch.lines.get(model_worker=people["national"])
    provincial = batch.lines.get(model_worker=people["provincial"])
    services.record_results(
        actor=staff_user,
        batch=batch,
        results=[
            {"line": national.pk, "paid": True, "paid_on": dt.date(2026, 11, 10), "reference": "BK001"},
            {"line": provincial.pk, "paid": False, "reason": "账户已销户"},
        ],
    )
    batch.refresh_from_db()
    assert batch.state == BatchState.PARTLY_FAILED
    entry = LedgerEntry.objects.get()
    assert (entry.model_worker, entry.period, entry.amount, entry.level, entry.reference) == (
        people["national"],
        NOV,
        Decimal("300.00"),
        1,
        "BK001",
    )
    services.close_batch(actor=staff_user, batch=batch)
    december = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 12, 1))
    carried = december.lines.get(carried_from=provincial)
    assert (carried.period, carried.amount) == (NOV, Decimal("200.00"))
    provincial.refresh_from_db()
    assert provincial.state == LineState.CARRIED
    assert december.lines.filter(period=dt.date(2026, 12, 1)).count() == 3  # the recent retiree joins in December


def give_account(worker, actor):
    services.set_account(
        actor=actor,
        worker=worker,
        bank="农业银行",
        account_number="6228480000000000999",
        holder=worker.name,
        valid_from=dt.date(2015, 1, 1),
    )


def test_the_ledger_is_never_changed_a_correction_is_a_reversing_entry(scheme, people, staff_user, make_user):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    give_account(people["no_account"], staff_user)
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    services.pay_all(actor=staff_user, batch=batch, paid_on=dt.date(2026, 11, 10), reference="BK")
    entry = LedgerEntry.objects.filter(model_worker=people["national"]).get()
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE benefits_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    reversal = services.reverse_entry(actor=approver, entry=entry, reason="重复支付，已追回")
    assert (reversal.kind, reversal.amount, reversal.reverses) == (LedgerKind.REVERSAL, Decimal("-300.00"), entry)
    with pytest.raises(DomainError):
        services.reverse_entry(actor=approver, entry=entry, reason="again")
    report = on_time_report(scheme, NOV, NOV, rows=True)
    assert [(r.worker_id, r.status, r.owed) for r in report.rows if r.status != "ok"] == [
        (people["national"].pk, "missing", Decimal("300.00"))
    ]


def test_the_on_time_report_and_the_arrears_after_a_raise_back_dated_and_a_retirement_entered_late(
    people, staff_user, make_user, union_a
):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    give_account(people["no_account"], staff_user)
    scheme = allowance_scheme(staff_user, start=dt.date(2026, 1, 1))
    for month in (9, 10):
        batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, month, 1))
        services.submit_batch(actor=staff_user, batch=batch)
        services.approve_batch(actor=approver, batch=batch)
        services.pay_all(actor=staff_user, batch=batch, paid_on=dt.date(2026, month, 10))
    report = on_time_report(scheme, dt.date(2026, 9, 1), dt.date(2026, 10, 1))
    assert (report.problems, report.totals["ok"]["n"]) == (0, 6)
    # The standard is raised from September (back-dated), and a retirement is entered late.
    services.save_rule(
        actor=staff_user,
        scheme=scheme,
        data={
            "label": "2026 年 9 月调标",
            "effective_from": dt.date(2026, 9, 1),
            "statuses": ["retired"],
            "levels": [1, 2, 3],
            "amounts": {"1": "350", "2": "230", "3": "100"},
        },
    )
    late = retiree(union_a, level=Level.MUNICIPAL, retired_on=dt.date(2026, 8, 20), actor=staff_user, name="补录")
    report = on_time_report(scheme, dt.date(2026, 9, 1), dt.date(2026, 10, 1), rows=True)
    assert sorted((r.status, str(r.owed)) for r in report.rows if r.status != "ok") == [
        ("missing", "100.00"),
        ("missing", "100.00"),
        ("short", "20.00"),
        ("short", "20.00"),
        ("short", "30.00"),
        ("short", "30.00"),
        ("short", "50.00"),
        ("short", "50.00"),
    ]
    assert report.totals["short"]["owed"] == Decimal("200.00")
    assert report.totals["missing"]["owed"] == Decimal("200.00")
    arrears = services.generate_arrears(
        actor=staff_user, scheme=scheme, first=dt.date(2026, 9, 1), last=dt.date(2026, 10, 1)
    )
    assert (arrears.kind, arrears.line_count, arrears.total) == (BatchKind.ARREARS, 8, Decimal("400.00"))
    # While the arrears are being paid they are "in progress", and a second run adds nothing.
    assert (
        services.generate_arrears(actor=staff_user, scheme=scheme, first=dt.date(2026, 9, 1), last=dt.date(2026, 10, 1))
        is None
    )
    services.submit_batch(actor=staff_user, batch=arrears)
    services.approve_batch(actor=approver, batch=arrears)
    services.pay_all(actor=staff_user, batch=arrears, paid_on=dt.date(2026, 11, 5))
    report = on_time_report(scheme, dt.date(2026, 9, 1), dt.date(2026, 10, 1))
    assert (report.owed, report.totals["overpaid"]["n"], report.totals["late"]["n"]) == (Decimal("0"), 0, 8)
    assert late.pk in {line.model_worker_id for line in arrears.lines.all()}


def test_a_death_entered_late_shows_the_payments_after_it_as_overpaid(scheme, people, staff_user, make_user):

    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    services.pay_all(actor=staff_user, batch=batch, paid_on=dt.date(2026, 11, 10))
    archive_services.update_model_worker(
        actor=staff_user, worker=people["national"], data={"status": "deceased", "died_on": dt.date(2026, 10, 2)}
    )
    report = on_time_report(scheme, NOV, NOV, rows=True)
    over = [r for r in report.rows if r.status == "overpaid"]
    assert [(r.worker_id, r.over) for r in over] == [(people["national"].pk, Decimal("300.00"))]


def test_an_in_kind_distribution_takes_stock_and_records_who_received(staff_user, make_user, union_a):

    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = services.save_scheme(
        actor=staff_user, data={"name": "防暑降温", "kind": SchemeKind.IN_KIND, "period": SchemePeriod.YEARLY}
    )
    services.save_rule(
        actor=staff_user,
        scheme=scheme,
        data={
            "label": "2026 年",
            "effective_from": dt.date(2026, 1, 1),
            "statuses": ["working", "retired"],
            "levels": [1, 2, 3],
            "amounts": {"1": "120", "2": "120", "3": "120"},
        },
    )
    drink, medicine = Item.objects.create(name="清凉饮料", unit="箱"), Item.objects.create(name="防暑药品", unit="盒")
    services.set_items(actor=staff_user, scheme=scheme, quantities={drink: Decimal(2), medicine: Decimal(1)})
    a = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    b = ModelWorkerFactory(union=union_a, with_level=Level.PROVINCIAL)
    services.receive_stock(actor=staff_user, item=drink, quantity=Decimal(3), moved_on=dt.date(2026, 6, 1))
    services.receive_stock(actor=staff_user, item=medicine, quantity=Decimal(5), moved_on=dt.date(2026, 6, 1))
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 7, 1))
    assert batch.lines.get(model_worker=a).items == {"清凉饮料": "2.00", "防暑药品": "1.00"}
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    line_a, line_b = batch.lines.get(model_worker=a), batch.lines.get(model_worker=b)
    services.record_results(
        actor=staff_user,
        batch=batch,
        results=[{"line": line_a.pk, "paid": True, "paid_on": dt.date(2026, 7, 10), "signed_by": "本人"}],
    )
    assert services.stock_of(drink) == Decimal(1)
    with pytest.raises(DomainError) as e:
        services.record_results(
            actor=staff_user,
            batch=batch,
            results=[{"line": line_b.pk, "paid": True, "paid_on": dt.date(2026, 7, 10), "signed_by": "家属代领"}],
        )
    assert "清凉饮料" in e.value.message
    line_a.refresh_from_db()
    assert (line_a.signed_by, services.stock_of(drink)) == ("本人", Decimal(1))


def test_union_staff_and_auditors_cannot_prepare_or_approve(scheme, people, union_user, auditor_user, staff_user):
    for user in (union_user, auditor_user):
        with pytest.raises(PermissionDenied):
            services.generate_batch(actor=user, scheme=scheme, period=NOV)
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    with pytest.raises(PermissionDenied):
        services.approve_batch(actor=auditor_user, batch=batch)


def test_account_numbers_are_masked_and_a_reveal_is_audited(people, staff_user):
    account = people["national"].accounts.get()
    assert str(account).endswith("*" * 12 + account.account_number[-4:])
    assert services.reveal_account(actor=staff_user, account=account) == account.account_number
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, detail__field="account_number").count() == 1


def test_periods_before_the_ledger_was_kept_are_not_checked(people, staff_user):
    scheme = allowance_scheme(staff_user)
    services.save_scheme(actor=staff_user, scheme=scheme, data={"ledger_from": dt.date(2026, 10, 15)})
    report = on_time_report(scheme, dt.date(2026, 1, 1), dt.date(2026, 11, 1))
    # October and November only: 国一 300, 省二 200, 无卡 80 in each; 新退 from December.
    assert (report.first, report.person_periods, report.owed) == (dt.date(2026, 10, 1), 6, Decimal("1160.00"))
    treatment = {
        t["scheme"].name: t for t in services.person_treatment(people["national"], today=dt.date(2026, 11, 20))
    }
    assert (treatment["劳模荣誉津贴"]["due"], treatment["劳模荣誉津贴"]["owed"]) == (Decimal("600"), Decimal("600"))
    entry = AuditEntry.objects.filter(object_type="benefits.scheme", action=AuditAction.UPDATE).get()
    assert entry.changes == {"ledger_from": [None, "2026-10-15"]}


def test_the_profile_counts_a_line_being_paid_as_not_owed(scheme, people, staff_user):
    services.save_scheme(actor=staff_user, scheme=scheme, data={"ledger_from": dt.date(2026, 11, 1)})
    services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    treatment = services.person_treatment(people["national"], today=dt.date(2026, 11, 20))
    allowance = next(t for t in treatment if t["scheme"] == scheme)
    assert (allowance["due"], allowance["paid"], allowance["pending"], allowance["owed"]) == (
        Decimal("300"),
        Decimal("0"),
        Decimal("300.00"),
        Decimal("0"),
    )
    assert allowance["now"].words == "退休 · 全国劳模 · 2016 年标准 ¥300"


def test_generating_again_keeps_a_removal_and_works_out_who_is_left_out_afresh(scheme, people, staff_user):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    removed = batch.lines.get(model_worker=people["national"])
    services.remove_line(actor=staff_user, line=removed, reason="本人放弃")
    services.set_account(
        actor=staff_user,
        worker=people["no_account"],
        bank="农业银行",
        account_number="6228480000000000123",
        holder="无卡",
        valid_from=dt.date(2026, 11, 1),
    )
    again = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    lines = {(line.model_worker.name, line.state) for line in again.lines.select_related("model_worker")}
    assert lines == {("国一", LineState.REMOVED), ("省二", LineState.PENDING), ("无卡", LineState.PENDING)}
    left = set(LeftOut.objects.filter(batch=again).values_list("model_worker__name", flat=True))
    assert left == {"新退", "在职"}
    assert (again.line_count, again.total, again.left_out_count) == (2, Decimal("280.00"), 2)


def test_a_record_with_payments_cannot_be_merged_away_and_nothing_changes(scheme, people, staff_user, union_a):

    services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    keep = ModelWorkerFactory(union=union_a, name="国一", id_number=None)
    with pytest.raises(DomainError) as refused:
        archive_services.merge_records(actor=staff_user, keep=keep, other=people["national"])
    assert refused.value.message == "要合并的档案已有已发或正在发放的待遇，台账不能转移。请先与待遇经办人员核对处理。"
    assert ModelWorker.objects.get(pk=people["national"].pk).archived_at is None
    # Without payments, the account and any hold follow the person.
    services.add_hold(actor=staff_user, worker=people["no_account"], reason="other", starts_on=dt.date(2026, 1, 1))
    other_keep = ModelWorkerFactory(union=union_a, name="无卡", id_number=None)
    archive_services.merge_records(actor=staff_user, keep=other_keep, other=people["no_account"])
    assert other_keep.holds.count() == 1
