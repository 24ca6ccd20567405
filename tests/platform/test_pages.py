"""The platform's pages through Django's test client: the flow from application to plaque and
promotion, files, scope by URL, and a fixed number of queries."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Level
from gongjiang.platform import services
from gongjiang.platform.enums import (
    AchievementKind,
    CaseState,
    Have,
    ProjectRole,
    ProjectStatus,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import Achievement, Allocation, Case, Evaluation, FundingPlan, RubricItem, Unit
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import meet_six_haves

TODAY = dt.date.today()


def established(actor, union, *, tier=Tier.STUDIO, name="李明劳模创新工作室", leader=None, stars=None):
    leader = leader or ModelWorkerFactory(union=union, with_level=Level.MUNICIPAL)
    unit = services.apply_unit(
        actor=actor,
        data={
            "name": name,
            "tier": tier,
            "leader": leader,
            "leader_name": "",
            "union": union,
            "employer": None,
            "field": "数控加工",
            "venue": "一楼实训室",
            "founded_on": dt.date(2024, 3, 1),
            "description": "",
        },
    )
    services.review_unit(actor=actor, unit=unit, approve=True, reason="同意")
    meet_six_haves(actor, unit)
    return services.award_plaque(actor=actor, unit=unit, on=dt.date(2024, 5, 1), stars=stars)


@pytest.fixture
def studio(staff_user, union_a):
    return established(staff_user, union_a)


@pytest.fixture
def other_studio(staff_user, union_b):
    return established(staff_user, union_b, name="外会工作室")


def test_the_award_form_says_which_haves_are_missing_and_takes_the_reason_for_an_exception(client, staff_user, union_a):
    leader = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    unit = services.apply_unit(
        actor=staff_user,
        data={"name": "零六有工作室", "tier": Tier.STUDIO, "leader": leader, "leader_name": "", "union": union_a},
    )
    services.review_unit(actor=staff_user, unit=unit, approve=True, reason="同意")
    client.force_login(staff_user)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "“六有”尚未全部达到（未达到：有团队、有场地、有经费、有管理、有标志、有成效）" in page
    assert 'name="override_reason"' in page
    refused = client.post(reverse("platform:unit_award", args=[unit.pk]), {"on": "2025-06-18"}, follow=True)
    assert "全部达到后方可授牌" in refused.content.decode()
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.APPROVED
    client.post(reverse("platform:unit_award", args=[unit.pk]), {"on": "2025-06-18", "override_reason": "区委重点项目"})
    history = client.get(unit.get_absolute_url()).content.decode()
    assert "即予授牌，特批理由：区委重点项目" in history
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.ACTIVE


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("platform:overview"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_overview_shows_the_end_of_a_past_year_with_the_results_of_chosen_years(client, staff_user, studio):
    Achievement.objects.create(
        unit=studio, kind=AchievementKind.PRODUCT, title="新工装", year=2024, created_by=staff_user
    )
    Achievement.objects.create(
        unit=studio, kind=AchievementKind.PRODUCT, title="新工艺", year=2025, created_by=staff_user
    )
    client.force_login(staff_user)
    page = client.get(reverse("platform:overview"), {"year": 2024, "results_from": 2024, "results_to": 2024})
    body = page.content.decode()
    assert "2024 年底；成果统计为 2024—2024 年" in body
    assert "全区已建立 1 个工作室、0 个星级示范岗和 0 个标兵。" in body
    assert "完成自主开发新产品、技术 1 项" in body
    assert 'id="attention"' not in body  # what needs attention is today's, not 2024's
    assert f"{reverse('platform:chart')}?year=2024" in body
    today = client.get(reverse("platform:overview")).content.decode()
    assert "完成自主开发新产品、技术 2 项" in today
    assert 'id="attention"' in today
    # A year not over, or out of range, shows today.
    assert "成果统计为历年累计" in client.get(reverse("platform:overview"), {"year": "abc"}).content.decode()


def test_apply_review_award_through_the_pages_then_the_plaque_pdf_speaks_chinese(
    client, staff_user, union_a, union_user
):
    leader = ModelWorkerFactory(union=union_a, with_level=Level.PROVINCIAL, name="王建国")
    client.force_login(union_user)
    response = client.post(
        reverse("platform:unit_create"),
        {
            "name": "王建国劳模创新工作室",
            "tier": Tier.STUDIO,
            "leader": leader.pk,
            "union": union_a.pk,
            "field": "电力运维",
            "venue": "运维中心二楼",
            "founded_on": "2025-04-01",
        },
    )
    unit = Unit.objects.get()
    assert (response.status_code, response["Location"]) == (302, unit.get_absolute_url())
    assert (unit.status, unit.leader, unit.union, unit.created_by) == (UnitStatus.APPLYING, leader, union_a, union_user)
    assert unit.haves.count() == 6
    # The union may not review its own application.
    assert client.post(reverse("platform:unit_review", args=[unit.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(staff_user)
    client.post(reverse("platform:unit_review", args=[unit.pk]), {"decision": "approve", "reason": "材料齐全"})
    for have in Have.values:
        client.post(reverse("platform:unit_have", args=[unit.pk, have]), {"met": "on", "note": "已落实"})
    client.post(reverse("platform:unit_award", args=[unit.pk]), {"on": "2025-06-18"})
    unit.refresh_from_db()
    assert (unit.status, unit.plaque_number, unit.awarded_on) == (
        UnitStatus.ACTIVE,
        "LX-GZS-2025-001",
        dt.date(2025, 6, 18),
    )
    response = client.get(reverse("platform:unit_plaque", args=[unit.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = (
            subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
            .stdout.decode()
            .replace(" ", "")
        )  # letter-spaced title
        for words in ("荣誉证书", "王建国劳模创新工作室", "LX-GZS-2025-001"):
            assert words in text
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "LX-GZS-2025-001" in page


def test_a_studio_led_by_someone_below_municipal_level_is_refused_with_a_message(client, staff_user, union_a):
    leader = ModelWorkerFactory(union=union_a, with_level=Level.DISTRICT)
    client.force_login(staff_user)
    response = client.post(
        reverse("platform:unit_create"),
        {"name": "区级工作室", "tier": Tier.STUDIO, "leader": leader.pk, "union": union_a.pk},
    )
    assert response.status_code == 200
    assert "leader" in response.context["form"].errors
    assert Unit.objects.count() == 0


def test_a_union_cannot_apply_for_another_union(client, union_user, union_b):
    leader = ModelWorkerFactory(union=union_b, with_level=Level.MUNICIPAL)
    client.force_login(union_user)
    response = client.post(
        reverse("platform:unit_create"),
        {"name": "越权申报", "tier": Tier.STANDARD_BEARER, "leader_name": "张三", "union": union_b.pk},
    )
    assert response.status_code == 200
    assert "union" in response.context["form"].errors
    assert response.context["form"].fields["leader"].queryset.filter(pk=leader.pk).count() == 0
    assert Unit.objects.count() == 0


def test_the_leader_keeps_their_own_unit_and_cannot_reach_another_by_url(
    client, make_user, staff_user, union_a, studio, other_studio
):
    leader_user = make_user(Role.STUDIO_LEADER, model_worker=studio.leader, username="leader")
    client.force_login(leader_user)
    assert client.get(studio.get_absolute_url()).status_code == 200
    assert client.get(other_studio.get_absolute_url()).status_code == 404
    assert client.get(reverse("platform:member_add", args=[other_studio.pk])).status_code == 404
    assert client.get(reverse("platform:unit_achievements", args=[other_studio.pk])).status_code == 404
    assert client.get(reverse("platform:unit_edit", args=[studio.pk])).status_code == 403
    # Their own unit's records: a meeting and an achievement.
    response = client.post(
        reverse("platform:meeting_add", args=[studio.pk]),
        {"held_on": "2025-03-10", "attendees": "全体成员", "minutes": "研究课题分工。"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("platform:achievement_add", args=[studio.pk]),
        {
            "kind": AchievementKind.PROJECT,
            "title": "数控刀具寿命提升研究",
            "year": 2025,
            "level": "municipal",
            "role": ProjectRole.LED,
            "project_status": ProjectStatus.ONGOING,
            "file": SimpleUploadedFile("结题报告.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    item = Achievement.objects.get()
    assert (item.unit, item.kind, item.role, item.created_by) == (studio, "project", "led", leader_user)
    evidence = item.evidence.get()
    assert client.get(reverse("platform:evidence", args=[evidence.pk])).status_code == 200
    # No scoring, no evaluations, no funding, no rules for a leader.
    for name in ("platform:rounds", "platform:cases", "platform:plans", "platform:policy"):
        assert client.get(reverse(name)).status_code == 403, name
    # Another union's staff cannot fetch the file by its URL.
    client.force_login(make_user(Role.UNION_STAFF, organisation=other_studio.union, username="other-union"))
    assert client.get(reverse("platform:evidence", args=[evidence.pk])).status_code == 404


def test_the_person_picker_finds_only_people_in_scope(client, union_user, union_a, union_b):
    mine = ModelWorkerFactory(union=union_a, name="张晓明")
    ModelWorkerFactory(union=union_b, name="张晓东")
    client.force_login(union_user)
    html = client.get(reverse("platform:pick_person"), {"q": "张晓"}).content.decode()
    assert f'value="{mine.pk}"' in html
    assert "张晓明" in html
    assert "张晓东" not in html


def _score(client, ev, total_each):
    """Post a sheet whose items add up to ``total_each``, filling items in order."""
    items = list(RubricItem.objects.filter(rubric__tier=ev.tier, retired=False))
    points = {}
    left = total_each
    for item in items:
        take = min(item.max_points, left)
        points[f"item_{item.pk}"] = str(take)
        left -= take
    return client.post(reverse("platform:evaluation", args=[ev.pk]), {**points, "comment": "好"})


def test_a_round_scored_by_two_reviewers_closes_with_the_mean_and_a_grade(client, staff_user, admin_user, studio):
    client.force_login(staff_user)
    response = client.post(
        reverse("platform:round_create"), {"year": 2025, "title": "2025 年度考评", "tiers": [Tier.STUDIO]}
    )
    ev = Evaluation.objects.get()
    assert (response.status_code, ev.unit) == (302, studio)
    assert _score(client, ev, 94).status_code == 302
    client.force_login(admin_user)
    assert _score(client, ev, 90).status_code == 302
    page = client.get(reverse("platform:evaluation", args=[ev.pk])).content.decode()
    assert "92.00" in page  # the mean so far, with the spread 4.00
    client.post(reverse("platform:round_close", args=[ev.round_id]))
    ev.refresh_from_db()
    assert (str(ev.score), str(ev.spread), ev.grade) == ("92.00", "4.00", "excellent")
    # A closed round takes no more scores.
    assert _score(client, ev, 50).status_code == 403


def test_deciding_a_candidate_promotes_the_unit_with_a_new_plaque(client, staff_user, union_a):
    post = established(staff_user, union_a, tier=Tier.STAR_POST, name="检修班组示范岗", stars=3)
    case = Case.objects.create(
        unit=post, kind="promote", from_tier=Tier.STAR_POST, to_tier=Tier.STUDIO, why="3 星示范岗考评优秀"
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("platform:case_decide", args=[case.pk]), {"decision": "accept", "reason": "党组会研究同意"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    case.refresh_from_db()
    assert (post.tier, post.stars, post.plaque_number, case.state) == (
        Tier.STUDIO,
        None,
        f"LX-GZS-{TODAY.year}-001",
        CaseState.ACCEPTED,
    )
    assert [s.plaque_number for s in post.spans.order_by("starts_on", "id")] == [
        "LX-SFG-2024-001",
        f"LX-GZS-{TODAY.year}-001",
    ]
    history = client.get(post.get_absolute_url()).content.decode()
    assert "党组会研究同意" in history


def test_a_funding_plan_adds_up_to_the_budget_and_is_paid_after_approval(client, staff_user, union_a, studio):
    established(staff_user, union_a, tier=Tier.STANDARD_BEARER, name="张三（焊接）")
    client.force_login(staff_user)
    response = client.post(
        reverse("platform:plan_create"),
        {
            "year": 2024,
            "budget": "100001",
            "grant_new_studio": "50000",
            "grant_reconfirmed_studio": "30000",
            "weight_studio": "3",
            "weight_star_post": "2",
            "weight_standard_bearer": "1",
            "weight_excellent": "1.5",
            "weight_good": "1.2",
            "weight_pass": "1",
            "weight_fail": "0",
            "weight_none": "1",
            "note": "",
        },
    )
    plan = FundingPlan.objects.get()
    assert response.status_code == 302
    amounts = dict(Allocation.objects.filter(plan=plan).values_list("unit__name", "amount"))
    # The studio was awarded in 2024: a new studio's fixed grant; the rest to the standard-bearer.
    assert {k: str(v) for k, v in amounts.items()} == {"李明劳模创新工作室": "50000.00", "张三（焊接）": "50001.00"}
    client.post(reverse("platform:plan_approve", args=[plan.pk]))
    allocation = Allocation.objects.get(plan=plan, unit=studio)
    client.post(reverse("platform:disburse", args=[allocation.pk]), {"paid_on": "2025-01-15", "reference": "ZB1"})
    page = client.get(studio.get_absolute_url()).content.decode()
    assert "¥50,000.00" in page
    assert AuditEntry.objects.filter(object_type="platform.disbursement", action=AuditAction.CREATE).count() == 1


def test_the_achievements_export_is_a_workbook_of_the_units_in_scope(client, staff_user, studio):
    Achievement.objects.create(
        unit=studio, kind=AchievementKind.PATENT, title="一种夹具", year=2025, created_by=staff_user
    )
    client.force_login(staff_user)
    response = client.get(reverse("platform:achievements_export"))

    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_name("成果")
        .to_python()
    )
    assert rows[1][:5] == ["李明劳模创新工作室", "工作室", "专利", "一种夹具", 2025.0]


def test_the_achievements_headline_and_its_tables_count_the_same_projects(client, staff_user, studio):
    """A project counts when it was led or completed (the article's words); one taken part in
    and still going counts nowhere — not in the headline, nor by tier, nor by year."""
    for role, status in [
        (ProjectRole.LED, ProjectStatus.ONGOING),
        (ProjectRole.TOOK_PART, ProjectStatus.COMPLETED),
        (ProjectRole.TOOK_PART, ProjectStatus.ONGOING),
    ]:
        Achievement.objects.create(
            unit=studio,
            kind=AchievementKind.PROJECT,
            title="课题",
            year=2025,
            role=role,
            project_status=status,
            created_by=staff_user,
        )
    Achievement.objects.create(unit=studio, kind=AchievementKind.PATENT, title="专利", year=2024, created_by=staff_user)
    client.force_login(staff_user)
    page = client.get(reverse("platform:achievements"))
    assert page.context["counts"]["projects"] == 2
    assert "主持或完成课题 2 项" in page.content.decode()
    # Columns: projects, products, awards, honours, patents, papers; then the total.
    assert page.context["by_tier"][0] == ("工作室", [2, 0, 0, 0, 1, 0], 3)
    assert page.context["by_year"] == [(2025, [2, 0, 0, 0, 0, 0], 2), (2024, [0, 0, 0, 0, 1, 0], 1)]
    assert [(u.name, u.n) for u in page.context["top_units"]] == [("李明劳模创新工作室", 3)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_make_the_same_number_of_queries_whatever_the_size(client, staff_user, union_a, studio):
    client.force_login(staff_user)
    client.get(reverse("platform:overview"))
    counts = []
    for n in (1, 12):
        for i in range(n):
            services.add_member(actor=staff_user, unit=studio, model_worker=None, name=f"成员{len(counts)}{i}")
            Achievement.objects.create(
                unit=studio,
                kind=AchievementKind.HONOUR,
                scope="individual",
                title=f"荣誉{i}",
                year=2025,
                created_by=staff_user,
            )
            services.add_meeting(
                actor=staff_user, unit=studio, held_on=dt.date(2025, 1, 1), attendees="全体", minutes="例会"
            )
        established(
            staff_user,
            union_a,
            tier=Tier.STANDARD_BEARER,
            name=f"标兵{len(counts)}",
            leader=ModelWorkerFactory(union=union_a),
        )
        counts.append(
            {
                "overview": _queries(client, reverse("platform:overview")),
                "units": _queries(client, reverse("platform:units")),
                "unit": _queries(client, studio.get_absolute_url()),
                "achievements": _queries(client, reverse("platform:unit_achievements", args=[studio.pk])),
                "all_achievements": _queries(client, reverse("platform:achievements")),
            }
        )
    assert counts[0] == counts[1]
