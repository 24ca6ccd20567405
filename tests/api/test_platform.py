"""The API's contract for the 三创 platform: anonymous → 401 on every endpoint; another union's
unit → 404; a role without the right → 403; the right role → the exact result, through the same
services as the pages (application to plaque, the six haves and the team, achievements,
mentoring, expenses, evaluation rounds and sheets, candidates, funding)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.enums import Role
from gongjiang.api.platform import router
from gongjiang.archive.enums import Level
from gongjiang.platform.enums import CaseKind, Have, Tier, UnitStatus
from gongjiang.platform.models import Allocation, Case, Evaluation, Unit
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import apply, established, points_for, run_round

TODAY = dt.date.today()


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the platform's router, with ids filled in."""
    out = []
    for path, view in router.path_operations.items():
        concrete = path.replace("{have}", "team")
        while "{int:" in concrete:
            start = concrete.index("{int:")
            concrete = concrete[:start] + "1" + concrete[concrete.index("}", start) + 1 :]
        for operation in view.operations:
            out.extend((method.lower(), concrete) for method in operation.methods)
    return sorted(out)


OPERATIONS = _operations()


def test_the_router_has_the_endpoints_the_platform_needs():
    assert len(OPERATIONS) == 37
    assert ("put", "/platform/evaluations/1/sheet") in OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_endpoint_refuses_anonymous_callers_in_the_one_error_shape(api_for, method, path):
    api = api_for(None)
    response = getattr(api, method)(path) if method == "get" else getattr(api, method)(path, {})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "请先登录，或提供有效的 API 令牌：Authorization: Bearer …",
    }


# --- Units ---------------------------------------------------------------------------------------------


@pytest.fixture
def leader(union_a):
    return ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL, name="李贤凝")


@pytest.fixture
def units(staff_user, union_a, union_b, leader):
    """Four established units and an application in union A, one established unit in union B;
    every plaque awarded on 2023-03-01."""
    return {
        "studio": established(staff_user, union=union_a, tier=Tier.STUDIO, name="李贤凝劳模创新工作室", leader=leader),
        "post": established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=2, name="检修班组示范岗"),
        "bearer": established(staff_user, union=union_a, name="焊接标兵"),
        "applying": apply(staff_user, union=union_a, name="申报中的标兵"),
        "other": established(staff_user, union=union_b, name="外会标兵"),
    }


def names(body) -> list[str]:
    return [u["name"] for u in body["items"]]


def test_a_union_lists_its_own_established_units_filtered_and_paged(api_for, union_user, units):
    api = api_for(union_user)
    body = api.get("/platform/units").json()
    assert (names(body), body["count"], body["next"]) == (
        ["焊接标兵", "检修班组示范岗", "李贤凝劳模创新工作室"],
        3,
        None,
    )
    assert names(api.get("/platform/units?status=all").json()) == [
        "申报中的标兵",
        "焊接标兵",
        "检修班组示范岗",
        "李贤凝劳模创新工作室",
    ]
    assert names(api.get("/platform/units?status=applying").json()) == ["申报中的标兵"]
    post = api.get("/platform/units?tier=star_post").json()["items"]
    assert post == [
        {
            "id": units["post"].pk,
            "name": "检修班组示范岗",
            "title": "检修班组示范岗（★★）",
            "tier": "star_post",
            "tier_label": "星级示范岗",
            "stars": 2,
            "status": "active",
            "status_label": "正常",
            "status_since": "2023-03-01",
            "leader_id": None,
            "leader": "带头人",
            "union": {"id": union_user.organisation_id, "name": "梁溪区教育工会"},
            "employer": "",
            "field": "",
            "plaque_number": "LX-SFG-2023-001",
            "awarded_on": "2023-03-01",
            "warning_deadline": None,
            "version": 1,
        }
    ]
    assert names(api.get("/platform/units?stars=2").json()) == ["检修班组示范岗"]
    assert names(api.get("/platform/units?q=焊接").json()) == ["焊接标兵"]
    assert names(api.get("/platform/units?q=李贤").json()) == ["李贤凝劳模创新工作室"]  # the leader's name
    assert names(api.get("/platform/units?q=LX-GZS").json()) == ["李贤凝劳模创新工作室"]
    # Another union's units are not there, even when asked for.
    assert api.get(f"/platform/units?union={units['other'].union_id}").json()["count"] == 0
    first = api.get("/platform/units?limit=2").json()
    second = api.get(f"/platform/units?limit=2&cursor={first['next']}").json()
    assert (names(first), names(second), second["next"]) == (
        ["焊接标兵", "检修班组示范岗"],
        ["李贤凝劳模创新工作室"],
        None,
    )


def test_the_federation_and_the_auditor_see_every_union(api_for, staff_user, auditor_user, units):
    assert api_for(staff_user).get("/platform/units").json()["count"] == 4
    body = api_for(auditor_user).get(f"/platform/units?union={units['other'].union_id}").json()
    assert names(body) == ["外会标兵"]


def test_the_unit_list_makes_the_same_number_of_queries_for_one_unit_or_many(api_for, staff_user, union_a):
    api = api_for(staff_user)
    established(staff_user, union=union_a, name="标兵0")
    api.get("/platform/units")  # the token's first use is recorded once
    counts = []
    for n in (1, 8):
        while Unit.objects.count() < n:
            established(staff_user, union=union_a, tier=Tier.STUDIO, name=f"工作室{Unit.objects.count()}")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/platform/units").json()["count"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_detail_has_the_six_haves_the_team_the_plaques_and_the_history(api_for, staff_user, units, leader):
    body = api_for(staff_user).get(f"/platform/units/{units['studio'].pk}").json()
    assert (body["name"], body["tier_label"], body["status_label"], body["plaque_number"]) == (
        "李贤凝劳模创新工作室",
        "工作室",
        "正常",
        "LX-GZS-2023-001",
    )
    assert (body["leader_id"], body["leader"], body["may_keep"], body["may_edit"]) == (leader.pk, "李贤凝", True, True)
    # A plaque is awarded once the six haves are met (the fixture meets them first).
    assert body["haves"] == [
        {"have": h, "label": label, "met": True, "note": "已落实", "evidence": []}
        for h, label in zip(Have.values, ["有团队", "有场地", "有经费", "有管理", "有标志", "有成效"], strict=True)
    ]
    assert body["haves_met"] == 6
    assert body["members"] == [
        {
            "id": units["studio"].members.get().pk,
            "name": "李贤凝",
            "model_worker_id": leader.pk,
            "role": "leader",
            "role_label": "领头人",
            "position": "",
            "joined_on": None,
            "left_on": None,
            "note": "",
        }
    ]
    assert body["spans"] == [
        {"tier": "studio", "plaque_number": "LX-GZS-2023-001", "starts_on": "2023-03-01", "ends_on": None}
    ]
    assert [e["kind"] for e in body["events"]] == ["awarded", "approved", "applied"]
    assert body["funds"] == {"received": "0.00", "spent": "0.00", "balance": "0.00"}
    assert body["achievement_counts"] == dict.fromkeys(
        ["projects", "products", "awards", "honours", "patents", "papers"], 0
    )
    assert (body["evaluations"], body["pending_cases"]) == ([], [])


def test_another_unions_unit_is_not_found_and_a_model_worker_may_not_look(api_for, union_user, worker_user, units):
    response = api_for(union_user).get(f"/platform/units/{units['other'].pk}")
    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "message": "不存在，或不在您的查看范围内。"},
    )
    api = api_for(worker_user)
    for path in ("/platform/units", f"/platform/units/{units['bearer'].pk}"):
        response = api.get(path)
        assert (response.status_code, response.json()) == (403, {"code": "forbidden", "message": "您无权进行此操作。"})


def test_a_studio_leader_sees_and_keeps_their_own_unit_only(api_for, make_user, units, leader):
    api = api_for(make_user(Role.STUDIO_LEADER, model_worker=leader, username="leader"))
    assert names(api.get("/platform/units").json()) == ["李贤凝劳模创新工作室"]
    assert api.get(f"/platform/units/{units['bearer'].pk}").status_code == 404
    body = api.get(f"/platform/units/{units['studio'].pk}").json()
    assert (body["may_keep"], body["may_edit"]) == (True, False)
    refused = api.patch(f"/platform/units/{units['studio'].pk}", {"venue": "一楼"})
    assert (refused.status_code, refused.json()["message"]) == (403, "您无权修改此载体。")


def test_apply_review_and_award_a_studio_through_the_api(api_for, staff_user, union_user, union_a):
    founder = ModelWorkerFactory(union=union_a, with_level=Level.PROVINCIAL, name="王建国")
    api = api_for(union_user)
    response = api.post(
        "/platform/units",
        {
            "name": "王建国劳模创新工作室",
            "tier": "studio",
            "leader": founder.pk,
            "union": union_a.pk,
            "field": "电力运维",
            "venue": "运维中心二楼",
            "founded_on": "2025-04-01",
        },
    )
    assert response.status_code == 201
    body = response.json()
    unit_id = body["id"]
    assert (body["status"], body["status_label"], body["plaque_number"], body["leader"]) == (
        "applying",
        "申报中",
        None,
        "王建国",
    )
    assert (body["field"], body["venue"], body["founded_on"], body["may_edit"]) == (
        "电力运维",
        "运维中心二楼",
        "2025-04-01",
        True,
    )
    assert ([h["met"] for h in body["haves"]], [m["name"] for m in body["members"]]) == ([False] * 6, ["王建国"])
    assert Unit.objects.get(pk=unit_id).created_by == union_user
    # The union may not review its own application, nor the auditor.
    refused = api.post(f"/platform/units/{unit_id}/review", {"decision": "approve"})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    staff = api_for(staff_user)
    approved = staff.post(f"/platform/units/{unit_id}/review", {"decision": "approve", "reason": "材料齐全"}).json()
    assert (approved["status"], approved["status_label"]) == ("approved", "已通过，待授牌")
    # No plaque before the six haves are met, unless the federation says why.
    early = staff.post(f"/platform/units/{unit_id}/award", {"on": "2025-06-18"})
    assert (early.status_code, early.json()["code"]) == (409, "conflict")
    assert early.json()["message"].startswith(
        "“六有”尚未全部达到（未达到：有团队、有场地、有经费、有管理、有标志、有成效）"
    )
    for have in Have.values:
        assert api.put(f"/platform/units/{unit_id}/haves/{have}", {"met": True, "note": "已落实"}).status_code == 200
    awarded = staff.post(f"/platform/units/{unit_id}/award", {"on": "2025-06-18"}).json()
    assert (awarded["status"], awarded["plaque_number"], awarded["awarded_on"]) == (
        "active",
        "LX-GZS-2025-001",
        "2025-06-18",
    )
    assert [e["kind"] for e in awarded["events"]] == ["awarded", "approved", "applied"]
    again = staff.post(f"/platform/units/{unit_id}/award", {"on": "2025-06-19"})
    assert again.status_code == 409
    assert again.json() == {"code": "conflict", "message": "申报审核通过后方可授牌。"}


def test_an_application_is_refused_for_another_union_or_a_leader_out_of_reach(
    api_for, union_user, auditor_user, union_a, union_b
):
    api = api_for(union_user)
    other = api.post(
        "/platform/units", {"name": "越权申报", "tier": "standard_bearer", "leader_name": "张三", "union": union_b.pk}
    )
    assert (other.status_code, other.json()["fields"]) == (422, {"union": ["您不能代其他工会申报。"]})
    stranger = ModelWorkerFactory(union=union_b, with_level=Level.NATIONAL)
    out_of_reach = api.post(
        "/platform/units", {"name": "外会劳模工作室", "tier": "studio", "leader": stranger.pk, "union": union_a.pk}
    )
    assert (out_of_reach.status_code, out_of_reach.json()["fields"]) == (422, {"leader": ["请从允许的值中选择。"]})
    district = ModelWorkerFactory(union=union_a, with_level=Level.DISTRICT)
    too_low = api.post(
        "/platform/units", {"name": "区级劳模工作室", "tier": "studio", "leader": district.pk, "union": union_a.pk}
    )
    assert (too_low.status_code, list(too_low.json()["fields"])) == (422, ["leader"])
    assert (
        api_for(auditor_user)
        .post(
            "/platform/units",
            {"name": "审计申报", "tier": "standard_bearer", "leader_name": "张三", "union": union_a.pk},
        )
        .status_code
        == 403
    )
    assert Unit.objects.count() == 0


def test_a_rejection_needs_a_reason_and_is_final(api_for, staff_user, union_a):
    unit = apply(staff_user, union=union_a, name="材料不全的标兵")
    api = api_for(staff_user)
    bare = api.post(f"/platform/units/{unit.pk}/review", {"decision": "reject"})
    assert (bare.status_code, list(bare.json()["fields"])) == (422, ["reason"])
    body = api.post(f"/platform/units/{unit.pk}/review", {"decision": "reject", "reason": "材料不全"}).json()
    assert (body["status"], body["status_label"], body["events"][0]["reason"]) == ("rejected", "未通过", "材料不全")
    assert api.post(f"/platform/units/{unit.pk}/review", {"decision": "approve"}).status_code == 409


def test_a_union_edits_its_application_while_under_review_with_the_version(api_for, staff_user, union_user, union_a):
    unit = apply(staff_user, union=union_a, name="申报中的标兵")
    api = api_for(union_user)
    body = api.patch(f"/platform/units/{unit.pk}", {"version": 1, "venue": "二楼实训室"}).json()
    assert (body["venue"], body["version"], body["name"]) == ("二楼实训室", 2, "申报中的标兵")
    stale = api.patch(f"/platform/units/{unit.pk}", {"version": 1, "venue": "三楼"})
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    api_for(staff_user).post(f"/platform/units/{unit.pk}/review", {"decision": "approve"})
    assert api.patch(f"/platform/units/{unit.pk}", {"venue": "三楼"}).status_code == 403
    assert api_for(staff_user).patch(f"/platform/units/{unit.pk}", {"venue": "三楼"}).json()["venue"] == "三楼"


def test_the_plaque_is_a_pdf_once_awarded(api_for, staff_user, units):
    api = api_for(staff_user)
    response = api.get(f"/platform/units/{units['studio'].pk}/plaque.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")
    assert api.get(f"/platform/units/{units['applying'].pk}/plaque.pdf").status_code == 404


# --- The six haves and the team -----------------------------------------------------------------------------


def test_a_union_keeps_its_units_six_haves_and_team(api_for, union_user, auditor_user, units):
    api = api_for(union_user)
    bearer = units["bearer"]
    body = api.put(f"/platform/units/{bearer.pk}/haves/team", {"met": False, "note": "团队调整中"}).json()
    assert (body["haves"][0], body["haves_met"]) == (
        {"have": "team", "label": "有团队", "met": False, "note": "团队调整中", "evidence": []},
        5,
    )
    assert api.put(f"/platform/units/{bearer.pk}/haves/nonsense", {"met": True}).status_code == 404
    assert api.put(f"/platform/units/{units['other'].pk}/haves/team", {"met": True}).status_code == 404
    assert api_for(auditor_user).put(f"/platform/units/{bearer.pk}/haves/team", {"met": False}).status_code == 403

    added = api.post(
        f"/platform/units/{bearer.pk}/members", {"name": " 赵工 ", "position": "焊接", "joined_on": "2024-01-02"}
    )
    assert added.status_code == 201
    member = added.json()
    assert member == {
        "id": member["id"],
        "name": "赵工",
        "model_worker_id": None,
        "role": "member",
        "role_label": "成员",
        "position": "焊接",
        "joined_on": "2024-01-02",
        "left_on": None,
        "note": "",
    }
    before = api.post(f"/platform/members/{member['id']}/end", {"left_on": "2023-12-31"})
    assert (before.status_code, list(before.json()["fields"])) == (422, ["left_on"])
    ended = api.post(f"/platform/members/{member['id']}/end", {"left_on": "2025-06-30"}).json()
    assert ended["left_on"] == "2025-06-30"
    leader_id = bearer.members.get(role="leader").pk
    refused = api.post(f"/platform/members/{leader_id}/end", {"left_on": "2025-06-30"})
    assert (refused.status_code, refused.json()) == (422, {"code": "invalid", "message": "更换领头人请修改载体信息。"})
    stranger = ModelWorkerFactory(union=units["other"].union)
    out_of_reach = api.post(f"/platform/units/{bearer.pk}/members", {"model_worker": stranger.pk})
    assert (out_of_reach.status_code, list(out_of_reach.json()["fields"])) == (422, ["model_worker"])
    other_member = units["other"].members.get().pk
    assert api.post(f"/platform/members/{other_member}/end", {"left_on": "2025-06-30"}).status_code == 404


# --- Achievements, mentoring, expenses -------------------------------------------------------------------


PROJECT = {
    "kind": "project",
    "title": "数控刀具寿命提升研究",
    "year": 2025,
    "level": "municipal",
    "role": "led",
    "project_status": "ongoing",
}


def test_a_leader_records_and_voids_their_units_achievements(
    api_for, make_user, auditor_user, union_user, units, leader
):
    api = api_for(make_user(Role.STUDIO_LEADER, model_worker=leader, username="leader"))
    studio = units["studio"]
    response = api.post(f"/platform/units/{studio.pk}/achievements", {**PROJECT, "person": leader.pk})
    assert response.status_code == 201
    item = response.json()
    assert item == {
        "id": item["id"],
        "unit_id": studio.pk,
        "kind": "project",
        "kind_label": "课题",
        "title": "数控刀具寿命提升研究",
        "level": "municipal",
        "role": "led",
        "project_status": "ongoing",
        "scope": "",
        "issuer": "",
        "year": 2025,
        "achieved_on": None,
        "person_id": leader.pk,
        "person": "李贤凝",
        "note": "",
        "voided": False,
        "void_reason": "",
    }
    api.post(f"/platform/units/{studio.pk}/achievements", {"kind": "patent", "title": "一种夹具", "year": 2024})
    no_role = api.post(f"/platform/units/{studio.pk}/achievements", {**PROJECT, "role": ""})
    assert (no_role.status_code, list(no_role.json()["fields"])) == (422, ["role"])
    listed = api.get(f"/platform/units/{studio.pk}/achievements").json()
    assert ([a["title"] for a in listed["items"]], listed["counts"]["projects"], listed["counts"]["patents"]) == (
        ["数控刀具寿命提升研究", "一种夹具"],
        1,
        1,
    )
    assert [a["title"] for a in api.get(f"/platform/units/{studio.pk}/achievements?kind=patent").json()["items"]] == [
        "一种夹具"
    ]
    voided = api.post(f"/platform/achievements/{item['id']}/void", {"reason": "重复登记"}).json()
    assert (voided["voided"], voided["void_reason"]) == (True, "重复登记")
    assert api.get(f"/platform/units/{studio.pk}/achievements").json()["counts"]["projects"] == 0
    # The auditor reads but does not write; the leader cannot reach another unit.
    assert api_for(auditor_user).post(f"/platform/units/{studio.pk}/achievements", PROJECT).status_code == 403
    assert api.post(f"/platform/units/{units['post'].pk}/achievements", PROJECT).status_code == 404
    assert api_for(union_user).get(f"/platform/units/{units['other'].pk}/achievements").status_code == 404


def test_a_union_records_a_mentorship_and_its_outcome(api_for, union_user, auditor_user, units):
    api = api_for(union_user)
    bearer = units["bearer"]
    agreement = {
        "master_name": "带头人",
        "apprentice_name": "小周",
        "agreed_on": "2025-01-10",
        "ends_on": "2026-01-09",
        "goals": "取得焊工技师资格",
    }
    backwards = api.post(f"/platform/units/{bearer.pk}/mentorships", {**agreement, "ends_on": "2024-12-31"})
    assert (backwards.status_code, list(backwards.json()["fields"])) == (422, ["ends_on"])
    response = api.post(f"/platform/units/{bearer.pk}/mentorships", agreement)
    assert response.status_code == 201
    item = response.json()
    assert (item["unit_id"], item["master_name"], item["apprentice_name"], item["state"], item["state_label"]) == (
        bearer.pk,
        "带头人",
        "小周",
        "active",
        "进行中",
    )
    assert [m["id"] for m in api.get(f"/platform/units/{bearer.pk}/mentorships").json()["items"]] == [item["id"]]
    assert api.get(f"/platform/mentorships/{item['id']}").json() == item
    outcome = {"state": "completed", "grade_reached": "技师", "outcome_on": "2026-01-09", "reward": "奖金 2000 元"}
    assert api_for(auditor_user).post(f"/platform/mentorships/{item['id']}/outcome", outcome).status_code == 403
    done = api.post(f"/platform/mentorships/{item['id']}/outcome", outcome).json()
    assert (done["state"], done["state_label"], done["grade_reached"], done["outcome_on"]) == (
        "completed",
        "已完成",
        "技师",
        "2026-01-09",
    )
    other = api_for(auditor_user).get(f"/platform/units/{units['other'].pk}/mentorships")
    assert other.json()["count"] == 0


def test_expenses_are_recorded_voided_and_counted_against_the_funds(api_for, staff_user, auditor_user, units):
    api = api_for(staff_user)
    studio = units["studio"]
    response = api.post(
        f"/platform/units/{studio.pk}/expenses", {"spent_on": "2025-07-01", "amount": "1234.50", "purpose": "购买设备"}
    )
    assert response.status_code == 201
    spent = response.json()
    assert spent == {
        "id": spent["id"],
        "unit_id": studio.pk,
        "spent_on": "2025-07-01",
        "amount": "1234.50",
        "purpose": "购买设备",
        "has_receipt": False,
        "voided": False,
        "void_reason": "",
    }
    wrong = api.post(
        f"/platform/units/{studio.pk}/expenses", {"spent_on": "2025-07-02", "amount": "999", "purpose": "录错"}
    )
    nothing = api.post(
        f"/platform/units/{studio.pk}/expenses", {"spent_on": "2025-07-02", "amount": "0", "purpose": "空"}
    )
    assert (nothing.status_code, list(nothing.json()["fields"])) == (422, ["amount"])
    assert (
        api_for(auditor_user).post(f"/platform/expenses/{wrong.json()['id']}/void", {"reason": "x"}).status_code == 403
    )
    voided = api.post(f"/platform/expenses/{wrong.json()['id']}/void", {"reason": "录入错误"}).json()
    assert (voided["voided"], voided["void_reason"], voided["amount"]) == (True, "录入错误", "999.00")
    listed = api.get(f"/platform/units/{studio.pk}/expenses").json()
    assert ([e["purpose"] for e in listed["items"]], listed["funds"]) == (
        ["录错", "购买设备"],
        {"received": "0.00", "spent": "1234.50", "balance": "-1234.50"},
    )


# --- Evaluation rounds and sheets -------------------------------------------------------------------------


@pytest.fixture
def reviewers(make_user):
    return [make_user(Role.FEDERATION_STAFF, username=f"reviewer{n}") for n in (1, 2)]


def sheet(ev_id: int, total) -> dict:
    return {"points": {str(k): str(v) for k, v in points_for(Evaluation.objects.get(pk=ev_id), total).items()}}


def test_a_round_is_opened_scored_by_two_reviewers_and_closed(
    api_for, staff_user, union_user, auditor_user, make_user, reviewers, units, leader
):
    api = api_for(staff_user)
    assert api_for(union_user).post("/platform/rounds", {"year": 2025, "title": "x"}).status_code == 403
    response = api.post("/platform/rounds", {"year": 2025, "title": "2025 年度考评", "tiers": ["studio"]})
    assert response.status_code == 201
    rnd = response.json()
    assert {k: v for k, v in rnd.items() if k != "id"} == {
        "year": 2025,
        "title": "2025 年度考评",
        "aggregation": "mean",
        "state": "open",
        "state_label": "评分中",
        "opened_on": TODAY.isoformat(),
        "closed_on": None,
        "units": 1,
        "graded": 0,
        "grades": {"excellent": 0, "good": 0, "pass": 0, "fail": 0},
    }
    # The auditor reads the rounds; a union does not.
    assert [r["title"] for r in api_for(auditor_user).get("/platform/rounds").json()] == ["2025 年度考评"]
    assert api_for(union_user).get("/platform/rounds").status_code == 403
    assert api_for(union_user).get(f"/platform/rounds/{rnd['id']}/evaluations").status_code == 403
    [ev] = api.get(f"/platform/rounds/{rnd['id']}/evaluations").json()["items"]
    assert (ev["unit"]["name"], ev["tier"], ev["sheet_count"], ev["mine"], ev["grade"]) == (
        "李贤凝劳模创新工作室",
        "studio",
        0,
        False,
        "",
    )

    first, second = (api_for(r) for r in reviewers)
    detail = first.get(f"/platform/evaluations/{ev['id']}").json()
    assert (len(detail["items"]), sum(i["max_points"] for i in detail["items"]), detail["may_score"]) == (9, 100, True)
    incomplete = sheet(ev["id"], 94)
    missing = next(iter(incomplete["points"]))
    del incomplete["points"][missing]
    refused = first.put(f"/platform/evaluations/{ev['id']}/sheet", incomplete)
    assert (refused.status_code, list(refused.json()["fields"])) == (422, [f"item_{missing}"])
    first.put(f"/platform/evaluations/{ev['id']}/sheet", {**sheet(ev["id"], 94), "comment": "成果突出"})
    body = second.put(f"/platform/evaluations/{ev['id']}/sheet", sheet(ev["id"], 90)).json()
    assert (body["sheet_count"], body["mine"], body["preview"]) == (2, True, {"score": "92.00", "spread": "4.00"})
    assert [(s["reviewer_id"], s["total"], s["comment"]) for s in body["sheets"]] == [
        (reviewers[0].pk, "94.0", "成果突出"),
        (reviewers[1].pk, "90.0", ""),
    ]
    assert sum(Decimal(p) for p in body["sheets"][0]["points"].values()) == Decimal(94)
    # The auditor does not score, nor does a reviewer who leads the unit.
    for user in (auditor_user, make_user(Role.FEDERATION_STAFF, model_worker=leader, username="reviewer-leader")):
        response = api_for(user).put(f"/platform/evaluations/{ev['id']}/sheet", sheet(ev["id"], 100))
        assert (response.status_code, response.json()["message"]) == (403, "您无权为此载体评分。")

    assert api_for(union_user).post(f"/platform/rounds/{rnd['id']}/close").status_code == 403
    closed = api.post(f"/platform/rounds/{rnd['id']}/close").json()
    assert (closed["state"], closed["state_label"], closed["closed_on"], closed["graded"]) == (
        "closed",
        "已关闭",
        TODAY.isoformat(),
        1,
    )
    assert (closed["counts"], closed["grades"]) == (
        {"graded": 1, "short": 0, "warned": 0, "cases": 0},
        {"excellent": 1, "good": 0, "pass": 0, "fail": 0},
    )
    result = api.get(f"/platform/evaluations/{ev['id']}").json()
    assert (result["score"], result["spread"], result["grade"], result["grade_label"], result["may_score"]) == (
        "92.00",
        "4.00",
        "excellent",
        "优秀",
        False,
    )
    late = first.put(f"/platform/evaluations/{ev['id']}/sheet", sheet(ev["id"], 50))
    assert (late.status_code, late.json()) == (409, {"code": "conflict", "message": "该考评轮次已关闭。"})
    assert api.post(f"/platform/rounds/{rnd['id']}/close").status_code == 409
    unit = api.get(f"/platform/units/{units['studio'].pk}").json()
    assert [(e["round"], e["score"], e["grade_label"]) for e in unit["evaluations"]] == [
        ("2025 年度考评", "92.00", "优秀")
    ]


def test_a_round_needs_a_new_title_and_a_tier(api_for, staff_user):
    api = api_for(staff_user)
    api.post("/platform/rounds", {"year": 2025, "title": "2025 年度考评"})
    again = api.post("/platform/rounds", {"year": 2025, "title": "2025 年度考评"})
    assert (again.status_code, list(again.json()["fields"])) == (422, ["title"])
    no_tier = api.post("/platform/rounds", {"year": 2025, "title": "补评", "tiers": []})
    assert (no_tier.status_code, list(no_tier.json()["fields"])) == (422, ["tiers"])
    wrong_tier = api.post("/platform/rounds", {"year": 2025, "title": "补评", "tiers": ["gold"]})
    assert (wrong_tier.status_code, list(wrong_tier.json()["fields"])) == (422, ["tiers.0"])


# --- Candidates and the re-review -----------------------------------------------------------------------------


def test_a_candidate_for_promotion_is_decided_with_a_new_plaque(api_for, staff_user, union_user, auditor_user, union_a):
    leader = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL, name="周师傅")
    post = established(staff_user, union=union_a, tier=Tier.STAR_POST, stars=3, name="检修班组示范岗", leader=leader)
    case = Case.objects.create(
        unit=post, kind=CaseKind.PROMOTE, from_tier=Tier.STAR_POST, to_tier=Tier.STUDIO, why="3 星示范岗考评优秀"
    )
    listed = api_for(auditor_user).get("/platform/cases?state=pending").json()
    assert [(c["id"], c["kind_label"], c["state_label"], c["unit"]["title"]) for c in listed["items"]] == [
        (case.pk, "晋升", "待决定", "检修班组示范岗（★★★）")
    ]
    assert api_for(union_user).get("/platform/cases").status_code == 403
    assert (
        api_for(auditor_user)
        .post(f"/platform/cases/{case.pk}/decide", {"decision": "accept", "reason": "同意"})
        .status_code
        == 403
    )
    api = api_for(staff_user)
    bare = api.post(f"/platform/cases/{case.pk}/decide", {"decision": "accept", "reason": " "})
    assert (bare.status_code, list(bare.json()["fields"])) == (422, ["reason"])
    body = api.post(f"/platform/cases/{case.pk}/decide", {"decision": "accept", "reason": "党组会研究同意"}).json()
    assert (body["state"], body["state_label"], body["decided_on"], body["decision_reason"]) == (
        "accepted",
        "已采纳",
        TODAY.isoformat(),
        "党组会研究同意",
    )
    assert (body["unit"]["tier"], body["unit"]["stars"], body["unit"]["plaque_number"]) == (
        "studio",
        None,
        f"LX-GZS-{TODAY.year}-001",
    )
    assert api.post(f"/platform/cases/{case.pk}/decide", {"decision": "decline", "reason": "再议"}).status_code == 409
    assert api.get("/platform/cases?state=pending").json()["count"] == 0


def test_a_warned_unit_fails_its_re_review_and_loses_its_plaque(api_for, staff_user, union_user, reviewers, union_a):
    bearer = established(staff_user, union=union_a, name="焊接标兵")
    run_round(staff_user, reviewers, year=2024, totals={bearer: [50, 50]}, tiers=[Tier.STANDARD_BEARER])
    api = api_for(staff_user)
    warned = api.get(f"/platform/units/{bearer.pk}").json()
    assert (warned["status"], warned["status_label"], warned["warning_deadline"]) == (
        "warned",
        "限期整改",
        "2025-03-20",  # 90 days after the round closed on 2024-12-20
    )
    assert api_for(union_user).post(f"/platform/units/{bearer.pk}/re-review", {"passed": False}).status_code == 403
    failed = api.post(f"/platform/units/{bearer.pk}/re-review", {"passed": False, "note": "仍未整改"}).json()
    [pending] = failed["pending_cases"]
    assert (pending["kind"], pending["kind_label"]) == ("remove", "摘牌")
    assert (
        api.post(f"/platform/units/{bearer.pk}/re-review", {"passed": True}).status_code == 200
    )  # put right after all
    removed = api.post(
        f"/platform/cases/{pending['id']}/decide", {"decision": "accept", "reason": "两次复审未通过"}
    ).json()
    assert (removed["unit"]["status"], removed["unit"]["status_label"], removed["unit"]["plaque_number"]) == (
        "removed",
        "已摘牌",
        "LX-BB-2023-001",  # kept on record
    )
    again = api.post(f"/platform/units/{bearer.pk}/re-review", {"passed": True})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")


# --- Funding ---------------------------------------------------------------------------------------


PLAN = {
    "year": 2024,
    "budget": "100001",
    "grant_new_studio": "50000",
    "grant_reconfirmed_studio": "30000",
    "tier_weights": {"studio": "3", "star_post": "2", "standard_bearer": "1"},
    "grade_weights": {"excellent": "1.5", "good": "1.2", "pass": "1", "fail": "0", "none": "1"},
}


@pytest.fixture
def funded(staff_user, union_a):
    on = dt.date(2024, 5, 1)
    return {
        "studio": established(staff_user, union=union_a, tier=Tier.STUDIO, name="李明劳模创新工作室", on=on),
        "bearer": established(staff_user, union=union_a, name="张三（焊接）", on=on),
    }


def test_a_funding_plan_is_split_approved_and_paid(api_for, staff_user, union_user, auditor_user, funded):
    assert api_for(union_user).post("/platform/funding-plans", PLAN).status_code == 403
    assert api_for(auditor_user).post("/platform/funding-plans", PLAN).status_code == 403
    api = api_for(staff_user)
    part_yuan = api.post("/platform/funding-plans", {**PLAN, "budget": "100000.50"})
    assert (part_yuan.status_code, list(part_yuan.json()["fields"])) == (422, ["budget"])
    response = api.post("/platform/funding-plans", PLAN)
    assert response.status_code == 201
    plan = response.json()
    # The studio was awarded in 2024: a new studio's fixed grant; the rest to the standard-bearer.
    assert [(a["unit"]["name"], a["amount"], a["basis"], a["paid"]) for a in plan["allocations"]] == [
        ("张三（焊接）", "50001.00", "标兵 · 未考评 · 权重 1 × 1", "0.00"),
        ("李明劳模创新工作室", "50000.00", "新建工作室：定额补助 ¥50,000", "0.00"),
    ]
    assert (plan["budget"], plan["total"], plan["state"], plan["state_label"], plan["units"]) == (
        "100001.00",
        "100001.00",
        "draft",
        "草稿",
        2,
    )
    assert plan["tier_weights"] == {"studio": "3", "star_post": "2", "standard_bearer": "1"}
    # The auditor reads the plans; a union does not.
    assert [p["year"] for p in api_for(auditor_user).get("/platform/funding-plans").json()] == [2024]
    assert api_for(union_user).get(f"/platform/funding-plans/{plan['id']}").status_code == 403

    share = Allocation.objects.get(plan_id=plan["id"], unit=funded["studio"])
    early = api.post(f"/platform/allocations/{share.pk}/disburse", {"paid_on": "2025-01-15"})
    assert (early.status_code, early.json()["code"]) == (409, "conflict")
    changed = api.put(f"/platform/funding-plans/{plan['id']}", {**PLAN, "budget": "90000"}).json()
    assert {a["unit"]["name"]: a["amount"] for a in changed["allocations"]} == {
        "李明劳模创新工作室": "50000.00",
        "张三（焊接）": "40000.00",
    }
    approved = api.post(f"/platform/funding-plans/{plan['id']}/approve").json()
    assert (approved["state"], approved["approved_by"]) == ("approved", str(staff_user))
    assert api.post(f"/platform/funding-plans/{plan['id']}/approve").status_code == 409
    assert api.put(f"/platform/funding-plans/{plan['id']}", PLAN).status_code == 409

    share = Allocation.objects.get(plan_id=plan["id"], unit=funded["studio"])
    part = api.post(
        f"/platform/allocations/{share.pk}/disburse", {"paid_on": "2025-01-15", "amount": "20000", "reference": "ZB1"}
    )
    assert part.status_code == 201
    assert {k: v for k, v in part.json().items() if k != "id"} == {
        "allocation_id": share.pk,
        "unit": {
            "id": funded["studio"].pk,
            "name": "李明劳模创新工作室",
            "title": "李明劳模创新工作室",
            "tier": "studio",
        },
        "paid_on": "2025-01-15",
        "amount": "20000.00",
        "reference": "ZB1",
        "note": "",
        "reverses_id": None,
    }
    too_much = api.post(f"/platform/allocations/{share.pk}/disburse", {"paid_on": "2025-02-15", "amount": "30000.01"})
    assert (too_much.status_code, list(too_much.json()["fields"])) == (422, ["amount"])
    assert (
        api_for(auditor_user).post(f"/platform/allocations/{share.pk}/disburse", {"paid_on": "2025-02-15"}).status_code
        == 403
    )
    rest = api.post(f"/platform/allocations/{share.pk}/disburse", {"paid_on": "2025-02-15"}).json()
    assert rest["amount"] == "30000.00"
    paid = api.get(f"/platform/funding-plans/{plan['id']}").json()
    assert {a["unit"]["name"]: a["paid"] for a in paid["allocations"]} == {
        "李明劳模创新工作室": "50000.00",
        "张三（焊接）": "0.00",
    }
    studio = api.get(f"/platform/units/{funded['studio'].pk}").json()
    assert studio["funds"] == {"received": "50000.00", "spent": "0.00", "balance": "50000.00"}


def test_a_plan_with_an_unknown_weight_is_refused_before_the_service(api_for, staff_user, funded):
    response = api_for(staff_user).post("/platform/funding-plans", {**PLAN, "tier_weights": {"gold": "9"}})
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert list(response.json()["fields"]) == ["tier_weights.gold.[key]"]


def test_the_platform_statistics_at_the_end_of_a_past_year(api_for, staff_user, units):
    api = api_for(staff_user)
    before = api.get("/stats/platform?year=2022").json()
    assert (before["year"], before["studios"], before["star_posts"], before["standard_bearers"]) == (2022, 0, 0, 0)
    assert before["sentence"] == "全区已建立 0 个工作室、0 个星级示范岗和 0 个标兵。"
    after = api.get("/stats/platform?year=2023&results_from=2023&results_to=2023").json()
    assert (after["year"], after["results_from"], after["results_to"]) == (2023, 2023, 2023)
    assert (after["studios"], after["star_posts"], after["standard_bearers"]) == (1, 1, 2)
    today = api.get("/stats/platform").json()
    assert (today["year"], today["results_to"]) == (None, None)
    wrong = api.get("/stats/platform?year=99999")
    assert (wrong.status_code, list(wrong.json()["fields"])) == (422, ["year"])


def test_a_unit_whose_plaque_was_removed_has_no_certificate_to_print(api_for, client, staff_user, units):

    bearer = units["bearer"]
    api = api_for(staff_user)
    pdf = api.get(f"/platform/units/{bearer.pk}/plaque.pdf")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    Unit.objects.filter(pk=bearer.pk).update(status=UnitStatus.REMOVED)
    assert api.get(f"/platform/units/{bearer.pk}/plaque.pdf").status_code == 404
    client.force_login(staff_user)
    assert client.get(f"/platform/units/{bearer.pk}/plaque.pdf").status_code == 404
    assert 'id="plaque-pdf"' not in client.get(f"/platform/units/{bearer.pk}/").content.decode()
