"""Units: application and its checks, review, plaque numbers, who sees and keeps which unit,
a studio leader's reach into the archive, and the overview's figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services as archive_services
from gongjiang.archive.enums import Level
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.core.errors import DomainError
from gongjiang.platform import evaluation, selectors, services
from gongjiang.platform.enums import (
    AchievementKind,
    EventKind,
    Have,
    HonourScope,
    MemberRole,
    ProjectRole,
    ProjectStatus,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import Case, Target, Unit
from tests.api.conftest import ApiClient, token_for
from tests.factories import ModelWorkerFactory, OrganisationFactory
from tests.platform.conftest import apply, established, meet_six_haves, run_round

# --- Application ------------------------------------------------------------------------------------


def refused(actor, **data) -> dict:
    with pytest.raises(ValidationError) as error:
        services.apply_unit(actor=actor, data=data)
    return error.value.message_dict


def test_an_application_is_recorded_with_its_six_haves_its_leader_and_its_history(
    staff_user, union_a, municipal_worker
):
    unit = services.apply_unit(
        actor=staff_user,
        on=dt.date(2024, 4, 1),
        data={
            "name": "  梁溪  数控工作室 ",
            "tier": Tier.STUDIO,
            "union": union_a,
            "leader": municipal_worker,
            "leader_name": "不用的名字",
            "field": "数控加工",
        },
    )
    unit = Unit.objects.get(pk=unit.pk)
    assert (unit.name, unit.tier, unit.status, unit.status_since, unit.leader, unit.leader_name) == (
        "梁溪 数控工作室",
        Tier.STUDIO,
        UnitStatus.APPLYING,
        dt.date(2024, 4, 1),
        municipal_worker,
        "",
    )
    assert (unit.plaque_number, unit.stars, unit.created_by) == (None, None, staff_user)
    assert unit.haves.count() == 6
    assert not unit.haves.filter(met=True).exists()
    assert list(unit.members.values_list("model_worker", "name", "role")) == [
        (municipal_worker.pk, "市劳模", MemberRole.LEADER)
    ]
    event = unit.events.get()
    assert (event.kind, event.on, event.actor) == (EventKind.APPLIED, dt.date(2024, 4, 1), staff_user)


def test_an_application_needs_a_name_a_tier_and_a_union(staff_user):
    errors = refused(staff_user, name=" ", tier="workshop", union=None, leader=None, leader_name="某人")
    assert set(errors) == {"name", "tier", "union"}


def test_an_application_needs_a_leader(staff_user, union_a):
    errors = refused(staff_user, name="示范岗", tier=Tier.STAR_POST, union=union_a, leader=None, leader_name="  ")
    assert set(errors) == {"leader"}


def test_a_star_post_may_be_led_by_someone_outside_the_archive(staff_user, union_a):
    unit = apply(staff_user, union=union_a, tier=Tier.STAR_POST, leader_name=" 王 师傅 ")
    assert (unit.leader, unit.leader_name, unit.members.get().name) == (None, "王 师傅", "王 师傅")


@pytest.mark.parametrize("level", [Level.DISTRICT, None])
def test_a_studio_leader_below_municipal_level_is_refused(staff_user, union_a, level):
    leader = ModelWorkerFactory(union=union_a, with_level=level)
    errors = refused(staff_user, name="工作室", tier=Tier.STUDIO, union=union_a, leader=leader, leader_name="")
    assert set(errors) == {"leader"}


def test_a_studio_led_by_a_name_outside_the_archive_is_refused(staff_user, union_a):
    errors = refused(staff_user, name="工作室", tier=Tier.STUDIO, union=union_a, leader=None, leader_name="张师傅")
    assert set(errors) == {"leader"}


@pytest.mark.parametrize("level", [Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL])
def test_a_studio_leader_of_municipal_level_or_higher_is_accepted(staff_user, union_a, level):
    leader = ModelWorkerFactory(union=union_a, with_level=level)
    assert apply(staff_user, union=union_a, tier=Tier.STUDIO, leader=leader).leader == leader


def test_the_studio_leader_level_follows_the_policy(staff_user, union_a, platform_policy):
    platform_policy.studio_leader_level = Level.PROVINCIAL
    platform_policy.save()
    municipal = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    errors = refused(staff_user, name="工作室", tier=Tier.STUDIO, union=union_a, leader=municipal, leader_name="")
    assert set(errors) == {"leader"}


def test_a_founding_date_in_the_future_is_refused(staff_user, union_a):
    errors = refused(
        staff_user,
        name="标兵",
        tier=Tier.STANDARD_BEARER,
        union=union_a,
        leader=None,
        leader_name="李师傅",
        founded_on=dt.date(2999, 1, 1),
    )
    assert set(errors) == {"founded_on"}


def test_a_union_applies_for_its_own_union_only(union_user, union_a, union_b):
    own = apply(union_user, union=union_a, name="本工会标兵")
    assert own.union == union_a
    errors = refused(
        union_user, name="他会标兵", tier=Tier.STANDARD_BEARER, union=union_b, leader=None, leader_name="李师傅"
    )
    assert set(errors) == {"union"}
    assert not Unit.objects.filter(union=union_b).exists()


def test_a_union_applies_for_a_union_below_it(union_user, union_a):
    branch = OrganisationFactory(name="教育工会某校分会", parent=union_a)
    assert apply(union_user, union=branch).union == branch


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.STUDIO_LEADER, Role.MODEL_WORKER])
def test_the_auditor_a_leader_and_a_model_worker_may_not_apply(make_user, union_a, role):
    with pytest.raises(PermissionDenied):
        apply(make_user(role), union=union_a)


# --- Review and plaque ----------------------------------------------------------------------------


def test_a_rejection_needs_a_reason(staff_user, union_a):
    unit = apply(staff_user, union=union_a)
    with pytest.raises(ValidationError) as error:
        services.review_unit(actor=staff_user, unit=unit, approve=False, reason=" ")
    assert "reason" in error.value.message_dict
    services.review_unit(actor=staff_user, unit=unit, approve=False, reason="材料不全", on=dt.date(2024, 5, 1))
    unit = Unit.objects.get(pk=unit.pk)
    assert (unit.status, unit.status_since) == (UnitStatus.REJECTED, dt.date(2024, 5, 1))
    assert unit.events.order_by("-id").values_list("kind", "reason").first() == (EventKind.REJECTED, "材料不全")


def test_only_an_application_is_reviewed(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    with pytest.raises(DomainError):
        services.review_unit(actor=staff_user, unit=unit, approve=True, reason="")


def test_a_union_does_not_review(union_user, union_a):
    unit = apply(union_user, union=union_a)
    with pytest.raises(PermissionDenied):
        services.review_unit(actor=union_user, unit=unit, approve=True, reason="")


def test_a_plaque_is_awarded_only_after_approval(staff_user, union_a):
    applying = apply(staff_user, union=union_a)
    with pytest.raises(DomainError):
        services.award_plaque(actor=staff_user, unit=applying, on=dt.date(2024, 6, 1))
    rejected = apply(staff_user, union=union_a)
    services.review_unit(actor=staff_user, unit=rejected, approve=False, reason="不符合条件")
    with pytest.raises(DomainError):
        services.award_plaque(actor=staff_user, unit=rejected, on=dt.date(2024, 6, 1))
    assert not Unit.objects.exclude(plaque_number=None).exists()

    services.review_unit(actor=staff_user, unit=applying, approve=True, reason="")
    meet_six_haves(staff_user, applying)
    unit = services.award_plaque(actor=staff_user, unit=applying, on=dt.date(2024, 6, 1))
    assert (unit.status, unit.status_since, unit.awarded_on, unit.plaque_number) == (
        UnitStatus.ACTIVE,
        dt.date(2024, 6, 1),
        dt.date(2024, 6, 1),
        "LX-BB-2024-001",
    )
    assert list(unit.spans.values_list("tier", "plaque_number", "starts_on", "ends_on")) == [
        (Tier.STANDARD_BEARER, "LX-BB-2024-001", dt.date(2024, 6, 1), None)
    ]
    with pytest.raises(DomainError):
        services.award_plaque(actor=staff_user, unit=unit, on=dt.date(2024, 6, 2))


def test_a_plaque_needs_the_six_haves_or_the_federations_reason_for_an_exception(staff_user, union_a):
    unit = apply(staff_user, union=union_a, tier=Tier.STUDIO, name="零六有工作室")
    services.review_unit(actor=staff_user, unit=unit, approve=True, reason="")
    with pytest.raises(DomainError) as refused:
        services.award_plaque(actor=staff_user, unit=unit, on=dt.date(2024, 6, 1))
    assert refused.value.message == (
        "“六有”尚未全部达到（未达到：有团队、有场地、有经费、有管理、有标志、有成效）。"
        "全部达到后方可授牌；如确需特批授牌，请填写特批理由。"
    )
    for have in Have.values[:5]:
        services.set_have(actor=staff_user, unit=unit, have=have, met=True, note="已落实")
    with pytest.raises(DomainError) as refused:
        services.award_plaque(actor=staff_user, unit=unit, on=dt.date(2024, 6, 1), override_reason="  ")
    assert "（未达到：有成效）" in refused.value.message
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.APPROVED

    unit = services.award_plaque(
        actor=staff_user, unit=unit, on=dt.date(2024, 6, 1), override_reason="新建工作室，成效待首年考评"
    )
    assert (unit.status, unit.plaque_number) == (UnitStatus.ACTIVE, "LX-GZS-2024-001")
    event = unit.events.get(kind=EventKind.AWARDED)
    assert event.reason == "“六有”未全部达到（未达到：有成效）即予授牌，特批理由：新建工作室，成效待首年考评"
    entry = AuditEntry.objects.filter(object_type="platform.unit", object_id=str(unit.pk)).latest("id")
    assert entry.detail["reason"] == event.reason


def test_a_unit_meeting_the_six_haves_needs_no_reason(staff_user, union_a):
    unit = apply(staff_user, union=union_a)
    services.review_unit(actor=staff_user, unit=unit, approve=True, reason="")
    meet_six_haves(staff_user, unit)
    unit = services.award_plaque(actor=staff_user, unit=unit, on=dt.date(2024, 6, 1), override_reason="用不上")
    assert unit.events.get(kind=EventKind.AWARDED).reason == ""


def test_a_plaque_is_not_awarded_in_the_future(staff_user, union_a):
    unit = apply(staff_user, union=union_a)
    services.review_unit(actor=staff_user, unit=unit, approve=True, reason="")
    with pytest.raises(ValidationError) as error:
        services.award_plaque(actor=staff_user, unit=unit, on=dt.date(2999, 1, 1))
    assert "on" in error.value.message_dict


def test_a_star_post_gets_one_star_unless_told_and_never_more_than_the_policy_allows(staff_user, union_a):
    assert established(staff_user, union=union_a, tier=Tier.STAR_POST).stars == 1
    assert established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=3).stars == 3
    with pytest.raises(ValidationError) as error:
        established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=4)
    assert "stars" in error.value.message_dict
    assert established(staff_user, union=union_a, tier=Tier.STANDARD_BEARER, stars=2).stars is None


def test_plaque_numbers_run_per_tier_and_year(staff_user, union_a):
    numbers = [
        established(staff_user, union=union_a, on=dt.date(2024, 3, 1)).plaque_number,
        established(staff_user, union=union_a, on=dt.date(2024, 9, 1)).plaque_number,
        established(staff_user, union=union_a, tier=Tier.STAR_POST, on=dt.date(2024, 9, 1)).plaque_number,
        established(staff_user, union=union_a, tier=Tier.STUDIO, on=dt.date(2024, 9, 1)).plaque_number,
        established(staff_user, union=union_a, on=dt.date(2025, 1, 2)).plaque_number,
        established(staff_user, union=union_a, on=dt.date(2024, 12, 31)).plaque_number,
    ]
    assert numbers == [
        "LX-BB-2024-001",
        "LX-BB-2024-002",
        "LX-SFG-2024-001",
        "LX-GZS-2024-001",
        "LX-BB-2025-001",
        "LX-BB-2024-003",
    ]


def test_the_plaque_prefix_follows_the_policy(staff_user, union_a, platform_policy):
    platform_policy.plaque_prefix = "WX"
    platform_policy.save()
    assert established(staff_user, union=union_a, on=dt.date(2024, 3, 1)).plaque_number == "WX-BB-2024-001"


def test_numbers_of_earlier_plaques_are_never_reused(staff_user, reviewers, union_a):
    promoted = established(staff_user, union=union_a, name="晋级标兵", on=dt.date(2024, 3, 1))
    removed = established(staff_user, union=union_a, name="摘牌标兵", on=dt.date(2024, 3, 2))
    run_round(staff_user, reviewers, year=2024, totals={promoted: [95, 95], removed: [40, 40]})
    run_round(staff_user, reviewers, year=2025, totals={promoted: [95, 95], removed: [40, 40]})
    for case in Case.objects.order_by("unit_id"):
        evaluation.decide_case(actor=staff_user, case=case, accept=True, reason="按规定", on=dt.date(2026, 1, 5))
    promoted, removed = Unit.objects.get(pk=promoted.pk), Unit.objects.get(pk=removed.pk)
    assert (promoted.plaque_number, removed.plaque_number, removed.status) == (
        "LX-SFG-2026-001",
        "LX-BB-2024-002",
        UnitStatus.REMOVED,
    )
    assert established(staff_user, union=union_a, on=dt.date(2024, 6, 1)).plaque_number == "LX-BB-2024-003"


# --- Who sees and keeps which unit --------------------------------------------------------------------


@pytest.fixture
def units(staff_user, union_a, union_b, municipal_worker):
    branch = OrganisationFactory(name="教育工会某校分会", parent=union_a)
    return {
        "led": established(staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker, name="本人工作室"),
        "a": established(staff_user, union=union_a, name="教育标兵"),
        "branch": apply(staff_user, union=branch, name="分会标兵"),
        "b": established(staff_user, union=union_b, name="卫健标兵"),
    }


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_federation_staff_and_the_auditor_see_every_unit(units, staff_user, auditor_user):
    assert names(selectors.visible_units(staff_user)) == {"本人工作室", "教育标兵", "分会标兵", "卫健标兵"}
    assert names(selectors.visible_units(auditor_user)) == {"本人工作室", "教育标兵", "分会标兵", "卫健标兵"}


def test_union_staff_see_the_units_of_their_union_and_below(units, union_user):
    assert names(selectors.visible_units(union_user)) == {"本人工作室", "教育标兵", "分会标兵"}
    assert services.may_see_unit(union_user, units["branch"]) is True
    assert services.may_see_unit(union_user, units["b"]) is False


def test_a_studio_leader_sees_only_the_units_they_lead(units, make_user, municipal_worker):
    leader = make_user(Role.STUDIO_LEADER, model_worker=municipal_worker)
    assert names(selectors.visible_units(leader)) == {"本人工作室"}
    assert services.may_see_unit(leader, units["led"]) is True
    assert services.may_see_unit(leader, units["a"]) is False


def test_a_studio_leader_without_a_record_sees_no_unit(units, make_user):
    leader = make_user(Role.STUDIO_LEADER, model_worker=None)
    assert not selectors.visible_units(leader).exists()


def test_a_model_worker_sees_no_unit(units, worker_user):
    assert not selectors.visible_units(worker_user).exists()


def test_who_may_keep_a_unit(units, staff_user, union_user, auditor_user, worker_user, make_user, municipal_worker):
    leader = make_user(Role.STUDIO_LEADER, model_worker=municipal_worker)
    kept = {
        "staff": [services.may_keep_unit(staff_user, units[k]) for k in ("led", "a", "b")],
        "union": [services.may_keep_unit(union_user, units[k]) for k in ("led", "a", "b")],
        "leader": [services.may_keep_unit(leader, units[k]) for k in ("led", "a", "b")],
        "auditor": [services.may_keep_unit(auditor_user, units[k]) for k in ("led", "a", "b")],
        "worker": [services.may_keep_unit(worker_user, units[k]) for k in ("led", "a", "b")],
    }
    assert kept == {
        "staff": [True, True, True],
        "union": [True, True, False],
        "leader": [True, False, False],
        "auditor": [False, False, False],
        "worker": [False, False, False],
    }


def test_a_leader_keeps_their_own_unit_and_no_other(units, make_user, municipal_worker):
    leader = make_user(Role.STUDIO_LEADER, model_worker=municipal_worker)
    services.add_meeting(actor=leader, unit=units["led"], held_on=dt.date(2025, 3, 1), attendees="全体", minutes="学习")
    with pytest.raises(PermissionDenied):
        services.add_meeting(
            actor=leader, unit=units["a"], held_on=dt.date(2025, 3, 1), attendees="全体", minutes="学习"
        )


def test_a_studio_leader_reaches_the_model_workers_on_their_team_and_no_one_else(
    staff_user, union_a, union_b, make_user, municipal_worker
):
    unit = established(staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker)
    member = ModelWorkerFactory(union=union_b, name="在队劳模")
    gone = ModelWorkerFactory(union=union_a, name="离队劳模")
    services.add_member(actor=staff_user, unit=unit, model_worker=member, name="")
    left = services.add_member(actor=staff_user, unit=unit, model_worker=gone, name="", joined_on=dt.date(2023, 5, 1))
    services.end_member(actor=staff_user, member=left, left_on=dt.date(2024, 5, 1))
    services.add_member(actor=staff_user, unit=unit, model_worker=None, name="普通职工")
    other_unit = established(staff_user, union=union_a, tier=Tier.STUDIO)
    services.add_member(
        actor=staff_user, unit=other_unit, model_worker=ModelWorkerFactory(union=union_a, name="他队"), name=""
    )
    ModelWorkerFactory(union=union_a, name="无关劳模")
    leader = make_user(Role.STUDIO_LEADER, model_worker=municipal_worker)

    assert set(visible_model_workers(leader)) == {municipal_worker, member}


def test_a_member_already_on_the_team_is_not_added_twice(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    worker = ModelWorkerFactory(union=union_a)
    services.add_member(actor=staff_user, unit=unit, model_worker=worker, name="")
    with pytest.raises(ValidationError) as error:
        services.add_member(actor=staff_user, unit=unit, model_worker=worker, name="")
    assert "model_worker" in error.value.message_dict


# --- The overview ---------------------------------------------------------------------------------------


def achievement(actor, unit, kind, **extra):
    data = {
        "unit": unit,
        "person": None,
        "person_name": "",
        "kind": kind,
        "title": f"{kind} 成果",
        "year": 2024,
        **extra,
    }
    return services.add_achievement(actor=actor, data=data)


def test_overview_counts_established_units_and_achievements_as_the_article_counts_them(
    staff_user, reviewers, union_a, municipal_worker
):
    studio = established(staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker)
    established(staff_user, union=union_a, tier=Tier.STAR_POST)
    warned = established(staff_user, union=union_a, tier=Tier.STAR_POST)
    run_round(staff_user, reviewers, year=2024, totals={warned: [50, 50]}, tiers=[Tier.STAR_POST])
    established(staff_user, union=union_a)
    apply(staff_user, union=union_a)
    approved = apply(staff_user, union=union_a)
    services.review_unit(actor=staff_user, unit=approved, approve=True, reason="")
    rejected = apply(staff_user, union=union_a)
    services.review_unit(actor=staff_user, unit=rejected, approve=False, reason="材料不全")

    achievement(staff_user, studio, AchievementKind.PROJECT, role=ProjectRole.LED, project_status=ProjectStatus.ONGOING)
    achievement(
        staff_user, studio, AchievementKind.PROJECT, role=ProjectRole.TOOK_PART, project_status=ProjectStatus.COMPLETED
    )
    achievement(
        staff_user, studio, AchievementKind.PROJECT, role=ProjectRole.TOOK_PART, project_status=ProjectStatus.ONGOING
    )  # joined, not finished: not counted
    achievement(staff_user, studio, AchievementKind.PRODUCT)
    achievement(staff_user, studio, AchievementKind.PRODUCT)
    voided = achievement(staff_user, studio, AchievementKind.PRODUCT)
    services.void_achievement(actor=staff_user, achievement=voided, reason="重复录入")
    voided_project = achievement(
        staff_user, studio, AchievementKind.PROJECT, role=ProjectRole.LED, project_status=ProjectStatus.COMPLETED
    )
    services.void_achievement(actor=staff_user, achievement=voided_project, reason="重复录入")
    achievement(staff_user, studio, AchievementKind.AWARD)
    achievement(staff_user, studio, AchievementKind.HONOUR, scope=HonourScope.COLLECTIVE)
    achievement(staff_user, studio, AchievementKind.HONOUR, scope=HonourScope.INDIVIDUAL)
    achievement(staff_user, studio, AchievementKind.PATENT)
    achievement(staff_user, None, AchievementKind.PAPER, person=municipal_worker)  # a person's, not a unit's

    figures = selectors.overview(dt.date(2025, 1, 15))

    assert figures["counts"] == {Tier.STANDARD_BEARER: 1, Tier.STAR_POST: 2, Tier.STUDIO: 1}
    assert figures["results"] == {"projects": 2, "products": 2, "awards": 1, "honours": 2, "patents": 1, "papers": 0}
    assert figures["applying"] == 2
    assert figures["warned"] == {"n": 1, "overdue": 0}
    assert selectors.overview(dt.date(2025, 3, 21))["warned"] == {"n": 1, "overdue": 1}


def test_a_project_needs_its_role_and_status(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    with pytest.raises(ValidationError) as error:
        achievement(staff_user, unit, AchievementKind.PROJECT)
    assert "role" in error.value.message_dict


def test_units_by_year_counts_the_plaques_held_at_each_year_end(staff_user, reviewers, union_a, municipal_worker):
    promoted = established(staff_user, union=union_a, name="标兵", on=dt.date(2022, 3, 1))
    removed = established(
        staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker, name="工作室", on=dt.date(2023, 6, 1)
    )
    established(staff_user, union=union_a, tier=Tier.STAR_POST, name="年末授牌", on=dt.date(2023, 12, 31))
    run_round(staff_user, reviewers, year=2022, totals={promoted: [95, 95], removed: [40, 40]})
    run_round(staff_user, reviewers, year=2023, totals={promoted: [95, 95], removed: [40, 40]})
    evaluation.decide_case(
        actor=staff_user, case=Case.objects.get(unit=promoted), accept=True, reason="连续优秀", on=dt.date(2024, 5, 1)
    )
    evaluation.decide_case(
        actor=staff_user, case=Case.objects.get(unit=removed), accept=True, reason="连续不合格", on=dt.date(2025, 2, 1)
    )

    assert selectors.first_year() == 2022
    assert selectors.units_by_year(2021, 2025) == {
        2021: {Tier.STANDARD_BEARER: 0, Tier.STAR_POST: 0, Tier.STUDIO: 0},
        2022: {Tier.STANDARD_BEARER: 1, Tier.STAR_POST: 0, Tier.STUDIO: 0},
        2023: {Tier.STANDARD_BEARER: 1, Tier.STAR_POST: 1, Tier.STUDIO: 1},
        2024: {Tier.STANDARD_BEARER: 0, Tier.STAR_POST: 2, Tier.STUDIO: 1},
        2025: {Tier.STANDARD_BEARER: 0, Tier.STAR_POST: 2, Tier.STUDIO: 0},
    }
    assert selectors.units_by_year(2025, 2024) == {}

    Target.objects.create(name="十四五", first_year=2021, last_year=2025, studios=2, star_posts=4, standard_bearers=0)
    progress = selectors.overview(dt.date(2026, 6, 1))["progress"]
    # The years of the plan from the first plaque on (none was held in 2021).
    assert [year for year, _counts in progress.years] == [2022, 2023, 2024, 2025]
    assert progress.final == {Tier.STANDARD_BEARER: 0, Tier.STAR_POST: 2, Tier.STUDIO: 0}
    assert progress.percents == {Tier.STANDARD_BEARER: 100, Tier.STAR_POST: 50, Tier.STUDIO: 0}


def test_the_overview_at_the_end_of_a_past_year_counts_the_plaques_then_and_the_years_results(
    staff_user, reviewers, union_a, municipal_worker
):
    promoted = established(staff_user, union=union_a, name="标兵", on=dt.date(2022, 3, 1))
    studio = established(
        staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker, name="工作室", on=dt.date(2022, 6, 1)
    )
    established(staff_user, union=union_a, tier=Tier.STAR_POST, name="后来的示范岗", on=dt.date(2024, 4, 1))
    run_round(staff_user, reviewers, year=2022, totals={promoted: [95, 95], studio: [85, 85]})
    run_round(staff_user, reviewers, year=2023, totals={promoted: [95, 95], studio: [85, 85]})
    evaluation.decide_case(
        actor=staff_user, case=Case.objects.get(unit=promoted), accept=True, reason="连续优秀", on=dt.date(2024, 1, 5)
    )
    for year, kind in ((2022, AchievementKind.PRODUCT), (2023, AchievementKind.PRODUCT), (2024, AchievementKind.AWARD)):
        achievement(staff_user, studio, kind, year=year)
    Target.objects.create(name="十四五", first_year=2021, last_year=2025, studios=2, star_posts=4, standard_bearers=4)
    Target.objects.create(name="十五五", first_year=2026, last_year=2030, studios=3, star_posts=6, standard_bearers=6)
    today = dt.date(2026, 6, 1)

    at_2023 = selectors.overview(today, year=2023)
    # The plaques held on 31 December 2023 — the standard-bearer not yet promoted, no star post yet.
    assert at_2023["counts"] == {Tier.STANDARD_BEARER: 1, Tier.STAR_POST: 0, Tier.STUDIO: 1}
    assert at_2023["sentence"] == "全区已建立 1 个工作室、0 个星级示范岗和 1 个标兵。"
    assert (at_2023["year"], at_2023["results"]["products"], at_2023["results"]["awards"]) == (2023, 2, 0)
    assert sorted(at_2023["years"]) == [2022, 2023]
    assert at_2023["progress"].target.name == "十四五"
    only_2023 = selectors.overview(today, year=2023, results_from=2023, results_to=2023)["results"]
    assert (only_2023["products"], only_2023["awards"]) == (1, 0)
    now = selectors.overview(today)
    assert now["year"] is None
    assert now["counts"] == {Tier.STANDARD_BEARER: 0, Tier.STAR_POST: 2, Tier.STUDIO: 1}
    assert (now["results"]["products"], now["results"]["awards"]) == (2, 1)
    assert now["progress"].target.name == "十五五"
    # This year is not over: asking for it shows today.
    assert selectors.overview(today, year=2026)["year"] is None


def test_a_studio_leader_reads_a_team_members_record_but_not_their_private_matters(
    client, staff_user, union_a, make_user, municipal_worker
):

    unit = established(staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker)
    member = ModelWorkerFactory(union=union_a, name="在队劳模")
    services.add_member(actor=staff_user, unit=unit, model_worker=member, name="")
    archive_services.add_family_member(actor=staff_user, worker=member, data={"relation": "spouse", "name": "家属甲"})
    archive_services.save_hardship_file(
        actor=staff_user,
        worker=member,
        data={"category": "general", "established_on": dt.date(2025, 1, 1), "needs_and_wishes": "看病难"},
    )
    leader = make_user(Role.STUDIO_LEADER, model_worker=municipal_worker)
    client.force_login(leader)
    page = client.get(reverse("archive:detail", args=[member.pk])).content.decode()
    assert "在队劳模" in page
    assert "家属甲" not in page
    assert "看病难" not in page
    assert 'id="history"' not in page
    assert client.get(reverse("benefits:person", args=[member.pk])).status_code == 403
    own = client.get(reverse("archive:detail", args=[municipal_worker.pk])).content.decode()
    assert 'id="history"' in own

    body = ApiClient(client, token_for(leader)).get(f"/model-workers/{member.pk}").json()
    assert (body["name"], body["family"], body["hardship"]) == ("在队劳模", [], None)


def test_merging_a_leaders_duplicate_record_moves_the_unit_and_the_team_to_the_kept_record(
    staff_user, union_a, municipal_worker
):

    unit = established(staff_user, union=union_a, tier=Tier.STUDIO, leader=municipal_worker)
    keep = ModelWorkerFactory(union=union_a, name=municipal_worker.name, id_number=None)
    member = ModelWorkerFactory(union=union_a, name="队员")
    duplicate_member = ModelWorkerFactory(union=union_a, name="队员", id_number=None)
    services.add_member(actor=staff_user, unit=unit, model_worker=duplicate_member, name="")
    archive_services.merge_records(actor=staff_user, keep=keep, other=municipal_worker)
    archive_services.merge_records(actor=staff_user, keep=member, other=duplicate_member)
    unit.refresh_from_db()
    assert unit.leader == keep
    # The leader's own membership and the member's both point at the kept records now.
    assert {m.model_worker for m in unit.members.all()} == {keep, member}
