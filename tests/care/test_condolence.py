"""Condolence money or goods given at a visit go through the treatment ledger and the stock."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Level
from gongjiang.benefits import services as benefits
from gongjiang.benefits.enums import BatchKind, BatchState, LedgerKind, LineState, SchemeKind, SchemePeriod
from gongjiang.benefits.models import Batch, BatchLine, Item, LedgerEntry
from gongjiang.care.enums import Occasion, VisitMode
from gongjiang.care.models import Condolence
from gongjiang.care.services import visits
from gongjiang.care.services.condolence import give_condolence
from tests.benefits.conftest import retiree

pytestmark = pytest.mark.django_db

SPRING = dt.date(2026, 2, 10)


def holiday_scheme(actor):
    scheme = benefits.save_scheme(
        actor=actor,
        data={"name": "春节慰问金", "kind": SchemeKind.HOLIDAY_CONDOLENCE, "period": SchemePeriod.YEARLY},
    )
    benefits.save_rule(
        actor=actor,
        scheme=scheme,
        data={
            "label": "2026 年",
            "effective_from": dt.date(2026, 1, 1),
            "statuses": ["working", "retired"],
            "levels": [1, 2, 3],
            "amounts": {"1": "800", "2": "600", "3": "500"},
        },
    )
    return scheme


def visit_to(actor, worker, on=SPRING):
    return visits.record_visit(
        actor=actor,
        model_worker=worker,
        data={
            "occasion": Occasion.SPRING_FESTIVAL,
            "mode": VisitMode.HOME,
            "visited_on": on,
            "visitors": "区总工会 王主席",
            "health": "腿脚不便，常年服药",
        },
    )


@pytest.fixture
def approver(make_user):
    return make_user(Role.FEDERATION_STAFF, username="shenpi")


def test_money_given_at_a_visit_is_paid_through_a_visit_batch_and_lands_in_the_ledger(staff_user, approver, union_a):
    scheme = holiday_scheme(staff_user)
    old = retiree(union_a, level=Level.NATIONAL, name="李大年", actor=staff_user)
    condolence = give_condolence(actor=staff_user, visit=visit_to(staff_user, old), scheme=scheme, amount="1000")

    line = condolence.line
    batch = line.batch
    assert (batch.kind, batch.state, batch.period, batch.title) == (
        BatchKind.VISIT,
        BatchState.DRAFT,
        dt.date(2026, 1, 1),
        "春节慰问金 2026年（走访慰问）",
    )
    assert (line.amount, line.state, line.words, line.level) == (
        Decimal("1000.00"),
        LineState.PENDING,
        "春节走访 2026-02-10",
        1,
    )
    assert (batch.line_count, batch.total) == (1, Decimal("1000.00"))
    # The same four eyes as every batch: prepared by one, approved by another, then paid.
    benefits.submit_batch(actor=staff_user, batch=batch)
    benefits.approve_batch(actor=approver, batch=batch)
    benefits.pay_all(actor=staff_user, batch=batch, paid_on=dt.date(2026, 2, 12))
    entry = LedgerEntry.objects.get(line=line)
    assert (entry.kind, entry.amount, entry.paid_on, entry.model_worker_id) == (
        LedgerKind.PAYMENT,
        Decimal("1000.00"),
        dt.date(2026, 2, 12),
        old.pk,
    )
    # The regular holiday batch of the year does not pay the person again.
    regular = benefits.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 1, 1))
    assert list(regular.lines.values_list("model_worker_id", flat=True)) == []


def test_a_second_gift_for_the_same_period_is_refused_and_changes_nothing(staff_user, union_a):
    scheme = holiday_scheme(staff_user)
    old = retiree(union_a, name="李大年", actor=staff_user)
    give_condolence(actor=staff_user, visit=visit_to(staff_user, old), scheme=scheme, amount="800")
    again = visit_to(staff_user, old, on=dt.date(2026, 9, 15))
    with pytest.raises(ValidationError) as e:
        give_condolence(actor=staff_user, visit=again, scheme=scheme, amount="800")
    assert e.value.messages == [
        "李大年本期（2026年）已有春节慰问金（批次“春节慰问金 2026年（走访慰问）”），不重复发放。"
    ]
    assert (BatchLine.objects.count(), Condolence.objects.count()) == (1, 1)


def test_bad_amounts_no_account_and_a_hold_are_refused_in_chinese(staff_user, union_a):
    scheme = holiday_scheme(staff_user)
    old = retiree(union_a, name="李大年", actor=staff_user)
    visit = visit_to(staff_user, old)
    for amount, message in [
        ("abc", "请输入以元为单位的金额，例如 500 或 500.00。"),
        ("0", "金额必须大于 0 且小于 100,000 元。"),
        (None, "请输入以元为单位的金额，例如 500 或 500.00。"),
    ]:
        with pytest.raises(ValidationError) as e:
            give_condolence(actor=staff_user, visit=visit, scheme=scheme, amount=amount)
        assert e.value.messages == [message]
    no_account = retiree(union_a, name="王无卡", account=False)
    with pytest.raises(ValidationError) as e:
        give_condolence(actor=staff_user, visit=visit_to(staff_user, no_account), scheme=scheme, amount="500")
    assert e.value.messages == ["王无卡没有在用的银行账户：请先登记账户，慰问金才能经账发放。"]
    held = retiree(union_a, name="赵暂停", actor=staff_user)
    benefits.add_hold(actor=staff_user, worker=held, reason="investigation", starts_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as e:
        give_condolence(actor=staff_user, visit=visit_to(staff_user, held), scheme=scheme, amount="500")
    assert e.value.messages == ["赵暂停的待遇在该日期处于暂停发放状态（正在接受调查）。"]
    assert (Batch.objects.count(), BatchLine.objects.count(), Condolence.objects.count()) == (0, 0, 0)


def test_goods_given_at_a_visit_leave_the_stock_when_handed_out(staff_user, approver, union_a):
    scheme = benefits.save_scheme(
        actor=staff_user, data={"name": "春节慰问品", "kind": SchemeKind.IN_KIND, "period": SchemePeriod.YEARLY}
    )
    rice = Item.objects.create(name="大米", unit="袋")
    benefits.set_items(actor=staff_user, scheme=scheme, quantities={rice: Decimal(2)})
    benefits.receive_stock(actor=staff_user, item=rice, quantity=Decimal(5), moved_on=dt.date(2026, 1, 5))
    old = retiree(union_a, name="李大年", account=False)
    condolence = give_condolence(actor=staff_user, visit=visit_to(staff_user, old), scheme=scheme, amount=None)
    line = condolence.line
    assert (line.items, line.amount, line.account_number) == ({"大米": "2.00"}, Decimal("0"), "")
    benefits.submit_batch(actor=staff_user, batch=line.batch)
    benefits.approve_batch(actor=approver, batch=line.batch)
    benefits.record_results(
        actor=staff_user,
        batch=line.batch,
        results=[{"line": line.pk, "paid": True, "paid_on": dt.date(2026, 2, 10), "signed_by": "本人"}],
    )
    assert benefits.stock_of(rice) == Decimal(3)


def test_only_those_who_prepare_batches_give_money_or_goods(client, staff_user, union_user, auditor_user, union_a):
    scheme = holiday_scheme(staff_user)
    mine = retiree(union_a, name="李大年", actor=staff_user)
    visit = visit_to(staff_user, mine)
    for user in (union_user, auditor_user):
        with pytest.raises(PermissionDenied):
            give_condolence(actor=user, visit=visit, scheme=scheme, amount="500")
        client.force_login(user)
        assert client.get(reverse("care:condolence_create", args=[visit.pk])).status_code == 403
        page = client.get(visit.get_absolute_url()).content.decode()
        assert reverse("care:condolence_create", args=[visit.pk]) not in page
    assert BatchLine.objects.count() == 0


def test_the_visit_page_lists_what_was_given_and_the_form_adds_it(client, staff_user, union_a):
    scheme = holiday_scheme(staff_user)
    old = retiree(union_a, name="李大年", actor=staff_user)
    visit = visit_to(staff_user, old)
    client.force_login(staff_user)
    url = reverse("care:condolence_create", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "春节慰问金" in page.content.decode()
    bad = client.post(url, {"scheme": scheme.pk, "amount": "-5"})
    assert "金额必须大于 0 且小于 100,000 元。" in bad.content.decode()
    done = client.post(url, {"scheme": scheme.pk, "amount": "600"}, follow=True)
    html = done.content.decode()
    assert done.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert "已加入批次“春节慰问金 2026年（走访慰问）”：批次审批后发放。" in html
    assert "¥600.00" in html
    entry = AuditEntry.objects.filter(object_type="care.condolence").get()
    assert entry.changes["amount"] == [None, "600.00"]


def test_the_visit_page_makes_a_fixed_number_of_queries(client, staff_user, union_a, django_assert_num_queries):
    scheme = holiday_scheme(staff_user)
    goods = benefits.save_scheme(
        actor=staff_user, data={"name": "春节慰问品", "kind": SchemeKind.IN_KIND, "period": SchemePeriod.YEARLY}
    )
    rice = Item.objects.create(name="大米", unit="袋")
    benefits.set_items(actor=staff_user, scheme=goods, quantities={rice: Decimal(1)})
    old = retiree(union_a, name="李大年", actor=staff_user)
    visit = visit_to(staff_user, old)
    client.force_login(staff_user)
    url = reverse("care:visit", args=[visit.pk])
    client.get(url)
    with django_assert_num_queries(NUM := 9):
        client.get(url)
    give_condolence(actor=staff_user, visit=visit, scheme=scheme, amount="500")
    give_condolence(actor=staff_user, visit=visit, scheme=goods)
    with django_assert_num_queries(NUM):
        page = client.get(url)
    assert page.content.decode().count("（走访慰问）") == 2
