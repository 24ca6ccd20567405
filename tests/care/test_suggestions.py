"""Whom to invite, in the rule's order, with the reason in words."""

import datetime as dt

import pytest

from gongjiang.archive.enums import HardshipCategory, Level, Status
from gongjiang.archive.models import HardshipFile
from gongjiang.benefits.enums import HoldReason
from gongjiang.benefits.models import TreatmentHold
from gongjiang.care.enums import CampaignKind
from gongjiang.care.models import Batch
from gongjiang.care.selectors import suggestions
from gongjiang.care.services import campaigns, invitations, rules
from tests.care.conftest import checkup, person

pytestmark = pytest.mark.django_db


def attended(actor, worker, year):
    batch = Batch.objects.filter(campaign__year=year, campaign__kind=CampaignKind.CHECKUP).first()
    if batch is None:
        _campaign, batch = checkup(actor, year=year, places=5)
    inv = invitations.invite(actor=actor, batch=batch, model_worker=worker)
    invitations.record_attendance(actor=actor, invitation=inv, attended=True)


def test_suggestions_follow_the_rule_and_say_why(staff_user, union_a):
    checked_2023 = person(union_a, name="早检", born=dt.date(1970, 1, 1))
    checked_2024 = person(union_a, name="近检", born=dt.date(1970, 1, 1))
    checked_2025 = person(union_a, name="去年", born=dt.date(1970, 1, 1))
    person(union_a, name="老者", born=dt.date(1950, 3, 1))
    person(union_a, name="青年", born=dt.date(1985, 3, 1))
    retired_2025 = person(union_a, name="退休", status=Status.RETIRED, born=dt.date(1960, 1, 1))
    for worker, year in ((checked_2023, 2023), (checked_2024, 2024), (checked_2025, 2025), (retired_2025, 2025)):
        attended(staff_user, worker, year)
    person(union_a, name="去世", status=Status.DECEASED, died_on=dt.date(2025, 3, 1))
    person(union_a, name="无称号", level=None)
    held = person(union_a, name="暂停")
    TreatmentHold.objects.create(model_worker=held, reason=HoldReason.INVESTIGATION, starts_on=dt.date(2026, 3, 1))
    campaign, _batch = checkup(staff_user, year=2026)
    rule, found = suggestions(staff_user, campaign)
    assert rule.priority == ["overdue", "never", "age", "hardship"]
    assert [(s.person.name, s.reason) for s in found] == [
        ("早检", "上次体检在2023年，已隔3年；在职劳模每1年一次；56岁"),
        ("近检", "上次体检在2024年，已隔2年；在职劳模每1年一次；56岁"),
        ("去年", "上次体检在2025年，已隔1年；在职劳模每1年一次；56岁"),
        ("老者", "从未参加体检；在职劳模每1年一次；75岁"),
        ("青年", "从未参加体检；在职劳模每1年一次；40岁"),
    ]


def test_a_new_rule_from_a_date_changes_the_order_and_ends_the_old_one(staff_user, union_a):
    person(union_a, name="老者", born=dt.date(1950, 3, 1))
    young = person(union_a, name="青年", born=dt.date(1985, 3, 1))
    HardshipFile.objects.create(
        model_worker=young, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 1, 1)
    )
    rules.add_rule(
        actor=staff_user,
        kind=CampaignKind.CHECKUP,
        effective_from=dt.date(2026, 1, 1),
        working_every=1,
        retired_every=2,
        priority=["hardship", "age"],
    )
    old = rules.rule_in_effect(CampaignKind.CHECKUP, dt.date(2025, 6, 1))
    assert old.effective_until == dt.date(2025, 12, 31)
    campaign, _batch = checkup(staff_user, year=2026)
    _rule, found = suggestions(staff_user, campaign)
    assert [(s.person.name, s.reason) for s in found] == [
        ("青年", "从未参加体检；在职劳模每1年一次；40岁；困难劳模"),
        ("老者", "从未参加体检；在职劳模每1年一次；75岁"),
    ]


def test_a_union_is_suggested_its_own_people_only(staff_user, union_user, union_a, union_b):
    person(union_a, name="本会")
    person(union_b, name="他会")
    campaign, _batch = checkup(staff_user, year=2026)
    assert [s.person.name for s in suggestions(union_user, campaign)[1]] == ["本会"]


def test_people_honoured_after_the_year_are_not_suggested_for_it(staff_user, union_a):
    late = person(union_a, name="新劳模")
    late.honours.update(year=2020)
    campaign = campaigns.create_campaign(actor=staff_user, kind=CampaignKind.CHECKUP, year=2016)
    assert suggestions(staff_user, campaign)[1] == []
    assert [s.person.name for s in suggestions(staff_user, checkup(staff_user, year=2026)[0])[1]] == ["新劳模"]


def test_stays_go_to_working_people_never_sent_first(staff_user, union_a):
    person(union_a, name="退休", status=Status.RETIRED)
    person(union_a, name="在职", level=Level.PROVINCIAL)
    campaign = campaigns.create_campaign(actor=staff_user, kind=CampaignKind.STAY, year=2026)
    rule, found = suggestions(staff_user, campaign)
    assert (rule.working_every, rule.retired_every) == (2, None)
    assert [(s.person.name, s.reason) for s in found] == [("在职", "从未参加疗休养；在职劳模每2年一次；65岁")]


def test_stays_go_to_the_front_line_and_harsh_jobs_first_and_say_so(staff_user, union_a):
    person(union_a, name="机关", born=dt.date(1960, 1, 1))
    person(union_a, name="一线", born=dt.date(1975, 1, 1), front_line=True)
    campaign = campaigns.create_campaign(actor=staff_user, kind=CampaignKind.STAY, year=2026)
    rule, found = suggestions(staff_user, campaign)
    assert rule.priority == ["front_line", "never", "working", "overdue", "hardship"]
    assert rule.priority_labels() == [
        "基层一线和苦脏累险岗位优先",
        "从未参加过的优先",
        "在职劳模优先",
        "距上次最久的优先",
        "困难劳模",
    ]
    assert [(s.person.name, s.reason) for s in found] == [
        ("一线", "从未参加疗休养；在职劳模每2年一次；51岁；基层一线或苦脏累险岗位"),
        ("机关", "从未参加疗休养；在职劳模每2年一次；66岁"),
    ]
