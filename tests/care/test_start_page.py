"""Overdue needs show on the start page of whoever holds them."""

import datetime as dt

import pytest
from django.utils import timezone

from gongjiang.care.enums import NeedSource
from gongjiang.care.models import Need
from gongjiang.care.services import needs
from tests.care.conftest import person

pytestmark = pytest.mark.django_db


def need_held_by(actor, holder, worker, *, days_late: int):
    need = needs.raise_need(
        actor=actor,
        model_worker=worker,
        source=NeedSource.PHONE,
        description="楼道扶手松动，需联系物业",
        holder=holder,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    # Time passes: the deadline is now behind us.
    Need.objects.filter(pk=need.pk).update(deadline=timezone.localdate() - dt.timedelta(days=days_late))
    return need


def test_the_holder_of_overdue_needs_is_told_on_the_start_page_and_no_one_else(
    client_for, staff_user, union_user, admin_user, union_a
):
    worker = person(union_a, name="李大年")
    need_held_by(staff_user, union_user, worker, days_late=3)
    need_held_by(staff_user, union_user, worker, days_late=1)
    need_held_by(staff_user, staff_user, worker, days_late=0)  # due today: not overdue yet
    page = client_for(union_user).get("/reports/").content.decode()
    assert '<li class="warning"><a href="/care/needs/?show=overdue">您有 2 件办理事项已过期限。</a></li>' in page
    for user in (staff_user, admin_user):
        assert 'id="notices"' not in client_for(user).get("/reports/").content.decode()


def test_a_resolved_need_leaves_the_start_page(client_for, staff_user, union_a):
    worker = person(union_a, name="李大年")
    need = need_held_by(staff_user, staff_user, worker, days_late=5)
    client = client_for(staff_user)
    assert "您有 1 件办理事项已过期限。" in client.get("/reports/").content.decode()
    needs.resolve(actor=staff_user, need=need, resolution="已联系物业修好扶手", satisfaction="satisfied")
    assert 'id="notices"' not in client.get("/reports/").content.decode()


def test_the_needs_list_pages_on_with_its_filter_in_plain_links(client_for, staff_user, union_a, settings):
    settings.GONGJIANG = {**settings.GONGJIANG, "LIST_PAGE_SIZE": 2}
    worker = person(union_a, name="李大年")
    made = [need_held_by(staff_user, staff_user, worker, days_late=d) for d in (1, 2, 3)]
    page = client_for(staff_user).get("/care/needs/?show=overdue")
    first = page.content.decode()
    nxt = page.context["page"]
    assert [n.pk for n in nxt.items] == [made[2].pk, made[1].pk]
    link = f'href="?show=overdue&after={nxt.next_cursor}&page=2" rel="next"'
    assert link in first
    second = client_for(staff_user).get(f"/care/needs/?show=overdue&after={nxt.next_cursor}&page=2")
    assert [n.pk for n in second.context["page"].items] == [made[0].pk]
    assert "QueryDict" not in first + second.content.decode()  # the pager once printed the object
