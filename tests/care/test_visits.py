"""Visit plans suggested from the records, visits under the article's headings, needs to resolution."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import HardshipCategory
from gongjiang.archive.models import HardshipFile
from gongjiang.care.enums import Occasion, VisitMode
from gongjiang.care.models import Need
from gongjiang.care.services import invitations, needs, visits
from gongjiang.care.visit_selectors import overdue_needs, plan_suggestions
from tests.care.conftest import checkup, person

pytestmark = pytest.mark.django_db

FINDINGS = {
    "mode": VisitMode.HOME,
    "visited_on": dt.date(2026, 1, 20),
    "visitors": "区总工会 王主席",
    "health": "腿脚不便",
    "family": "与老伴同住",
    "income": "退休金每月3100元",
    "thoughts": "希望子女工作稳定",
    "living": "生活基本能自理",
    "housing": "老旧小区六楼，无电梯",
    "allowance": "arrives",
}


def test_a_spring_festival_plan_is_suggested_from_the_records_in_order(staff_user, union_a):
    poor = person(union_a, name="困难", born=dt.date(1970, 1, 1))
    HardshipFile.objects.create(
        model_worker=poor, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 1, 1)
    )
    ill = person(union_a, name="患病", born=dt.date(1965, 1, 1))
    HardshipFile.objects.create(
        model_worker=ill, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 1, 1), serious_illness=True
    )
    followed = person(union_a, name="复查", born=dt.date(1968, 1, 1))
    _c, batch = checkup(staff_user, year=2026, places=5, starts=dt.date(2026, 1, 5))
    inv = invitations.invite(actor=staff_user, batch=batch, model_worker=followed)
    invitations.record_attendance(actor=staff_user, invitation=inv, attended=True, follow_up=True)
    person(union_a, name="高龄", born=dt.date(1940, 6, 1))
    seen = person(union_a, name="常访", born=dt.date(1975, 1, 1))
    visits.record_visit(actor=staff_user, model_worker=seen, data={**FINDINGS, "occasion": Occasion.ROUTINE})
    plan = visits.create_plan(actor=staff_user, occasion=Occasion.SPRING_FESTIVAL, year=2026)
    assert plan.title == "2026年春节走访慰问"
    rule, found = plan_suggestions(staff_user, plan)
    assert (rule.age_at_least, rule.months_without_visit) == (80, 12)
    assert [(s.person.name, s.reason) for s in found] == [
        ("患病", "困难劳模；患重病；从未走访"),
        ("困难", "困难劳模；从未走访"),
        ("复查", "体检后需跟进；从未走访"),
        ("高龄", "86岁；从未走访"),
    ]


def test_a_planned_visit_is_recorded_once_and_its_findings_stay_out_of_the_log(staff_user, union_user, union_a):
    worker = person(union_a, name="陈师傅")
    plan = visits.create_plan(actor=staff_user, occasion=Occasion.MAY_DAY, year=2026)
    entry = visits.add_to_plan(actor=union_user, plan=plan, model_worker=worker, reason="困难劳模")
    assert entry.assigned_to == union_a
    with pytest.raises(PermissionDenied):
        visits.add_to_plan(actor=union_user, plan=plan, model_worker=person(union_a, name="另一位"), by_federation=True)
    visit = visits.record_visit(actor=union_user, model_worker=worker, data=FINDINGS, entry=entry)
    assert visit.occasion == Occasion.MAY_DAY
    entry.refresh_from_db()
    assert entry.visit == visit
    with pytest.raises(ValidationError):
        visits.record_visit(actor=union_user, model_worker=worker, data=FINDINGS, entry=entry)
    changes = AuditEntry.objects.filter(object_type="care.visit").latest("id").changes
    assert changes["health"] == [None, "（已记录，内容不记入日志）"]
    assert changes["visitors"] == [None, "区总工会 王主席"]


def test_a_visit_needs_a_finding(staff_user, union_a):
    with pytest.raises(ValidationError) as e:
        visits.record_visit(
            actor=staff_user,
            model_worker=person(union_a),
            data={
                **dict.fromkeys(("health", "family", "income", "thoughts", "living", "housing"), ""),
                **{k: FINDINGS[k] for k in ("mode", "visited_on", "visitors")},
                "occasion": "routine",
            },
        )
    assert e.value.message_dict == {"health": ["请至少在一项下记录走访了解到的情况。"]}


def test_a_need_raised_at_a_visit_is_followed_to_resolution(staff_user, union_user, union_a):
    worker = person(union_a, name="陈师傅")
    visit = visits.record_visit(actor=staff_user, model_worker=worker, data={**FINDINGS, "occasion": "routine"})
    need = needs.raise_need(
        actor=staff_user,
        model_worker=worker,
        source="phone",
        visit=visit,
        description="希望协调加装电梯",
        holder=union_user,
        deadline=dt.date(2027, 3, 1),
    )
    assert need.source == "visit"
    needs.add_step(actor=union_user, need=need, on=dt.date(2026, 12, 1), note="已与社区联系")
    with pytest.raises(ValidationError) as e:
        needs.resolve(actor=union_user, need=need, resolution="已加装", satisfaction="")
    assert e.value.message_dict == {"satisfaction": ["请登记本人的满意程度。"]}
    needs.resolve(actor=union_user, need=need, resolution="社区已立项加装电梯", satisfaction="very")
    need.refresh_from_db()
    assert (need.state, need.satisfaction, need.steps.count()) == ("resolved", "very", 1)
    with pytest.raises(ValidationError):
        needs.add_step(actor=union_user, need=need, on=dt.date(2026, 12, 2), note="再次回访")


def test_a_need_is_held_by_the_federation_or_the_persons_union(staff_user, make_user, union_a, union_b):
    outsider = make_user(Role.UNION_STAFF, organisation=union_b)
    with pytest.raises(ValidationError) as e:
        needs.raise_need(
            actor=staff_user,
            model_worker=person(union_a),
            source="phone",
            description="医药费报销",
            holder=outsider,
            deadline=dt.date(2027, 1, 1),
        )
    assert e.value.message_dict == {"holder": ["请选择区总工会工作人员或此人所在工会的工作人员。"]}


def test_overdue_needs_are_on_the_holders_list(client, staff_user, union_user, union_a):
    worker = person(union_a)
    need = needs.raise_need(
        actor=staff_user,
        model_worker=worker,
        source="phone",
        description="医药费报销",
        holder=union_user,
        deadline=dt.date(2026, 12, 31),
    )
    Need.objects.filter(pk=need.pk).update(deadline=dt.date(2026, 1, 1))
    assert list(overdue_needs(union_user)) == [need]
    assert list(overdue_needs(staff_user)) == []
    client.force_login(union_user)
    page = client.get(reverse("care:needs")).content.decode()
    assert "您有 1 件办理事项已过期限。" in page
