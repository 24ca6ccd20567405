"""Demo treatment: the four schemes of the seed article, bank accounts, and this year so far —
paid through the real services, with the gaps a federation meets (a standard raised back to
January after two months were paid, failed payments, a batch waiting for approval).

The federation began keeping its ledger in this system this year: each scheme says so
(``ledger_from``), and earlier years, paid from spreadsheets, are neither in the ledger nor
checked by the 按时足额 report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gongjiang.archive.enums import Status
from gongjiang.archive.models import HardshipFile, ModelWorker
from gongjiang.benefits import entitlement, services
from gongjiang.benefits.enums import BatchState, LineState, SchemeKind, SchemePeriod
from gongjiang.benefits.models import Item, PaymentAccount, Scheme

BANKS = [
    "中国工商银行无锡梁溪支行",
    "中国农业银行无锡分行",
    "中国银行无锡中山路支行",
    "中国建设银行无锡城中支行",
    "江苏银行无锡分行",
    "无锡农村商业银行",
]
SUPPLEMENT = {"supplement_before_year": 1990, "supplements": {"1": "50", "2": "30", "3": "20"}}
MAX_PEOPLE = 20_000  # a bigger archive gets the schemes, not a year of payments


def populate(*, preparer, approver, today: dt.date) -> bool:
    if Scheme.objects.exists():
        return False
    with transaction.atomic():
        schemes = _schemes(preparer, today)
        if ModelWorker.objects.count() > MAX_PEOPLE:
            return True
        _accounts(preparer, today)
        _history(schemes, preparer, approver, today)
    return True


def ledger_from(today: dt.date) -> dt.date:
    return dt.date(today.year, 1, 1)


def _schemes(actor, today: dt.date) -> dict[str, Scheme]:
    start = ledger_from(today)
    # The standards in force since 2016 (since the year before, for a demo that ends earlier).
    since = min(2016, today.year - 1)
    allowance = services.save_scheme(
        actor=actor,
        data={
            "name": "劳模荣誉津贴",
            "kind": SchemeKind.HONOUR_ALLOWANCE,
            "period": SchemePeriod.MONTHLY,
            "purpose": "劳模荣誉津贴",
            "ledger_from": start,
            "description": "离退休劳模按月发放，按最高级别称号计发，1990 年前获得称号另加补贴。",
        },
    )
    services.save_rule(
        actor=actor,
        scheme=allowance,
        data={
            "label": f"{since} 年标准",
            "effective_from": dt.date(since, 1, 1),
            "statuses": [Status.RETIRED],
            "levels": [1, 2, 3],
            "amounts": {"1": "300", "2": "200", "3": "80"},
            **SUPPLEMENT,
        },
    )
    hardship = services.save_scheme(
        actor=actor,
        data={
            "name": "困难劳模帮扶金",
            "kind": SchemeKind.HARDSHIP_AID,
            "period": SchemePeriod.MONTHLY,
            "purpose": "困难劳模帮扶金",
            "ledger_from": start,
            "description": "按本人月收入低于保障线的差额补足，每月最多 1000 元。",
        },
    )
    services.save_rule(
        actor=actor,
        scheme=hardship,
        data={
            "label": "2025 年保障线",
            "effective_from": dt.date(2025, 1, 1),
            "statuses": [Status.WORKING, Status.RETIRED],
            "levels": [1, 2, 3],
            "requires_hardship": True,
            "income_line_working": "6566",
            "income_line_retired": "3552",
            "income_cap": "1000",
        },
    )
    spring = services.save_scheme(
        actor=actor,
        data={
            "name": "春节慰问金",
            "kind": SchemeKind.HOLIDAY_CONDOLENCE,
            "period": SchemePeriod.YEARLY,
            "purpose": "春节慰问金",
            "ledger_from": start,
            "description": "每年春节前发放。",
        },
    )
    services.save_rule(
        actor=actor,
        scheme=spring,
        data={
            "label": f"{since} 年标准",
            "effective_from": dt.date(since, 1, 1),
            "statuses": [Status.WORKING, Status.RETIRED],
            "levels": [1, 2, 3],
            "amounts": {"1": "2000", "2": "1000", "3": "500"},
        },
    )
    summer = services.save_scheme(
        actor=actor,
        data={
            "name": "防暑降温物资",
            "kind": SchemeKind.IN_KIND,
            "period": SchemePeriod.YEARLY,
            "ledger_from": start,
            "description": "每年高温季节送到一线劳模手中：清凉饮料和防暑降温药品。",
        },
    )
    services.save_rule(
        actor=actor,
        scheme=summer,
        data={
            "label": f"{today.year} 年",
            "effective_from": start,
            "statuses": [Status.WORKING],
            "levels": [1, 2, 3],
            "amounts": {"1": "120", "2": "120", "3": "120"},
        },
    )
    drink, _ = Item.objects.get_or_create(name="清凉饮料", defaults={"unit": "箱"})
    medicine, _ = Item.objects.get_or_create(name="防暑药品", defaults={"unit": "盒"})
    services.set_items(actor=actor, scheme=summer, quantities={drink: Decimal(2), medicine: Decimal(1)})
    return {"allowance": allowance, "hardship": hardship, "spring": spring, "summer": summer}


def _accounts(actor, today: dt.date) -> None:
    # Everyone alive when the ledger starts: someone who died this year was paid until then.
    people = ModelWorker.objects.filter(archived_at__isnull=True, highest_level__lte=3).exclude(
        died_on__lt=ledger_from(today)
    )
    for i, (pk, name) in enumerate(people.values_list("pk", "name").order_by("pk")):
        if i % 97 == 13:  # now and then an account is missing: the batch says so
            continue
        PaymentAccount.objects.create(
            model_worker_id=pk,
            bank=BANKS[pk % len(BANKS)],
            account_number=f"62{(pk * 7919) % 10**6:06d}{pk:011d}",
            holder=name,
            valid_from=dt.date(2015, 1, 1),
        )


def _run(scheme, period, preparer, approver, paid_on, *, fail=0, leave=None):
    batch = services.generate_batch(actor=preparer, scheme=scheme, period=period)
    if not batch.lines.filter(state=LineState.PENDING).exists():
        return batch
    services.submit_batch(actor=preparer, batch=batch)
    if leave == BatchState.SUBMITTED:
        return batch
    services.approve_batch(actor=approver, batch=batch)
    if fail:
        failed = list(batch.lines.filter(state=LineState.PENDING).order_by("pk").values_list("pk", flat=True)[:fail])
        services.record_results(
            actor=preparer,
            batch=batch,
            results=[{"line": pk, "paid": False, "reason": "账户状态异常，银行退回"} for pk in failed],
        )
    services.pay_all(actor=preparer, batch=batch, paid_on=paid_on, reference=f"DF{paid_on:%Y%m%d}")
    services.close_batch(actor=preparer, batch=batch)
    return batch


def _history(schemes, preparer, approver, today: dt.date) -> None:
    allowance, hardship = schemes["allowance"], schemes["hardship"]
    year = today.year
    months = [dt.date(year, m, 1) for m in range(1, today.month)]
    for month in months[:2]:
        _run(allowance, month, preparer, approver, month.replace(day=10))
    # In March this year's standard arrives, effective from January: January and February were
    # paid at the old rate and are now short — the 按时足额 report shows it, one click pays it.
    services.save_rule(
        actor=preparer,
        scheme=allowance,
        data={
            "label": f"{year} 年标准",
            "effective_from": dt.date(year, 1, 1),
            "statuses": [Status.RETIRED],
            "levels": [1, 2, 3],
            "amounts": {"1": "350", "2": "230", "3": "100"},
            **SUPPLEMENT,
        },
    )
    for month in months[2:]:
        _run(allowance, month, preparer, approver, month.replace(day=10), fail=2 if month.month in (9, 10) else 0)
    _run(allowance, dt.date(year, today.month, 1), preparer, approver, today, leave=BatchState.SUBMITTED)
    income_known = HardshipFile.objects.filter(is_active=True, monthly_income__isnull=False).exists()
    for month in months if income_known else []:
        _run(hardship, month, preparer, approver, month.replace(day=15))
    spring_paid = dt.date(year, 2, 10)
    if spring_paid <= today:
        _run(schemes["spring"], dt.date(year, 1, 1), preparer, approver, spring_paid)
    summer = schemes["summer"]
    handed_out = dt.date(year, 7, 8)
    if handed_out <= today:
        people = entitlement.candidates(summer).count()
        for item in Item.objects.all():
            services.receive_stock(
                actor=preparer,
                item=item,
                quantity=Decimal(people * 3),
                moved_on=dt.date(year, 6, 20),
                note="年度采购",
            )
        _run(summer, dt.date(year, 1, 1), preparer, approver, handed_out)
