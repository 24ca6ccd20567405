"""Issue 11's sequence through the API: arrears over a year that runs into the current period,
then the regular batch of that period, both paid — each person-period is paid once."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Sum

from gongjiang.accounts.enums import Role
from gongjiang.archive.enums import HardshipCategory, Level, Status
from gongjiang.archive.models import HardshipFile
from gongjiang.benefits import services
from gongjiang.benefits.enums import LedgerKind, SchemeKind, SchemePeriod
from gongjiang.benefits.models import Batch, LedgerEntry
from tests.benefits.conftest import allowance_scheme, retiree


def hardship_scheme(actor):
    scheme = services.save_scheme(
        actor=actor,
        data={"name": "困难劳模帮扶金", "kind": SchemeKind.HARDSHIP_AID, "period": SchemePeriod.MONTHLY},
    )
    services.save_rule(
        actor=actor,
        scheme=scheme,
        data={
            "label": "2026 年帮扶标准",
            "effective_from": dt.date(2026, 1, 1),
            "statuses": [Status.WORKING, Status.RETIRED],
            "levels": [1, 2, 3],
            "amounts": {"1": "800", "2": "656", "3": "600"},
            "requires_hardship": True,
        },
    )
    return scheme


def test_arrears_then_the_regular_batch_of_the_current_period_pay_each_person_period_once(
    api_for, staff_user, make_user, union_a
):
    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = hardship_scheme(staff_user)
    people = []
    for i, level in enumerate([Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL]):
        person = retiree(union_a, level=level, actor=staff_user, name=f"困难{i}")
        HardshipFile.objects.create(
            model_worker=person, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 6, 1)
        )
        people.append(person)
    no_account = retiree(union_a, level=Level.MUNICIPAL, actor=staff_user, account=False, name="无卡")
    HardshipFile.objects.create(
        model_worker=no_account, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 6, 1)
    )
    preparer, checker = api_for(staff_user), api_for(approver)

    def pay(batch_id, paid_on):
        assert preparer.post(f"/batches/{batch_id}/submit").status_code == 200
        assert checker.post(f"/batches/{batch_id}/approve").status_code == 200
        response = preparer.post(f"/batches/{batch_id}/pay-all", {"paid_on": paid_on})
        assert response.status_code == 200, response.json()

    arrears = preparer.post(f"/schemes/{scheme.pk}/arrears", {"first": "2026-01-01", "last": "2026-12-31"})
    assert arrears.status_code == 201
    body = arrears.json()
    # December is in progress: its regular batch pays it. The person without an account is listed.
    assert (body["title"], body["line_count"], body["total"], body["left_out_count"]) == (
        "困难劳模帮扶金补发（2026年1月 至 2026年11月）",
        33,
        "22616.00",
        1,
    )
    pay(body["id"], "2026-12-03")
    december = preparer.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-12-01"}).json()
    assert (december["line_count"], december["total"]) == (3, "2056.00")
    pay(december["id"], "2026-12-10")
    # Arrears again over the same year: December is paid now; nothing is owed but to the
    # person without an account, so no batch is made and they are named.
    again = preparer.post(f"/schemes/{scheme.pk}/arrears", {"first": "2026-01-01", "last": "2026-12-31"})
    assert (again.status_code, again.json()) == (
        409,
        {
            "code": "conflict",
            "message": "这些期间有 1 人应补发但没有登记银行账户（无卡），未生成补发批次。请先登记账户，再生成补发。",
        },
    )
    assert Batch.objects.count() == 2
    payments = Counter(
        LedgerEntry.objects.filter(scheme=scheme, kind=LedgerKind.PAYMENT).values_list("model_worker_id", "period")
    )
    assert set(payments.values()) == {1}
    assert len(payments) == 3 * 12
    totals = dict(LedgerEntry.objects.filter(scheme=scheme).values_list("model_worker_id").annotate(s=Sum("amount")))
    assert totals == {
        people[0].pk: Decimal("9600.00"),
        people[1].pk: Decimal("7872.00"),
        people[2].pk: Decimal("7200.00"),
    }


def test_the_preparer_approving_after_someone_else_gets_403_not_409(api_for, staff_user, make_user, union_a):

    approver = make_user(Role.FEDERATION_STAFF, username="shenpi")
    scheme = allowance_scheme(staff_user)
    retiree(union_a, actor=staff_user, name="国一")
    preparer = api_for(staff_user)
    batch = preparer.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-11-01"}).json()
    preparer.post(f"/batches/{batch['id']}/submit")
    assert api_for(approver).post(f"/batches/{batch['id']}/approve").status_code == 200
    response = preparer.post(f"/batches/{batch['id']}/approve")
    assert (response.status_code, response.json()) == (
        403,
        {"code": "forbidden", "message": "此批次由您制作，须由他人审批。"},
    )
