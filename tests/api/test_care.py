"""The API's contract for care: anonymous → 401 on every endpoint; another union's invitation,
visit, need or person → 404; a role without the right → 403; the right role → the exact result,
through the same services as the pages (a batch's capacity is never exceeded, by the API either)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.api.care import router
from gongjiang.archive.enums import HardshipCategory
from gongjiang.archive.models import HardshipFile
from gongjiang.care.enums import InvitationState
from gongjiang.care.models import Batch, Invitation, Need, NeedStep, PlanEntry, Visit
from gongjiang.care.services import invitations, needs, visits
from tests.api.conftest import ApiClient, token_for
from tests.benefits.test_concurrency import together
from tests.care.conftest import checkup, person

TODAY = dt.date.today()
FULL = "第一批名额已满（2个名额），没有空余名额了。可改为列入候补名单。"
NOT_FOUND = {"code": "not_found", "message": "不存在，或不在您的查看范围内。"}
QUERIES_FOR_A_PAGE_OF_INVITATIONS = 15  # the token, the rate limit, the batch, the page, its count, the read on record
FORBIDDEN = {"code": "forbidden", "message": "您无权进行此操作。"}


def _operations() -> list[tuple[str, str]]:
    out = []
    for path, view in router.path_operations.items():
        concrete = path
        while "{int:" in concrete:
            start = concrete.index("{int:")
            concrete = concrete[:start] + "1" + concrete[concrete.index("}", start) + 1 :]
        for operation in view.operations:
            out.extend((method.lower(), concrete) for method in operation.methods)
    return sorted(out)


OPERATIONS = _operations()


def test_the_router_has_the_endpoints_care_needs():
    assert len(OPERATIONS) == 28
    assert ("post", "/care/batches/1/invitations") in OPERATIONS
    assert ("get", "/care/year") in OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_endpoint_refuses_anonymous_callers_in_the_one_error_shape(api_for, method, path):
    api = api_for(None)
    response = api.get(path) if method == "get" else api.post(path, {})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "请先登录，或提供有效的 API 令牌：Authorization: Bearer …",
    }


def test_the_operation_ids_name_the_care_area(api_for, staff_user):
    schema = api_for(staff_user).get("/openapi.json").json()
    ids = sorted(op["operationId"] for path, ops in schema["paths"].items() if "/care/" in path for op in ops.values())
    assert len(ids) == 28
    assert ids[:3] == [
        "gongjiang_api_routers_care_add_need_step",
        "gongjiang_api_routers_care_add_to_plan",
        "gongjiang_api_routers_care_answer_invitation",
    ]


# --- Campaigns and batches ---------------------------------------------------------------------


def test_the_federation_plans_a_campaign_and_a_batch_through_the_api(api_for, staff_user):
    api = api_for(staff_user)
    made = api.post("/care/campaigns", {"kind": "checkup", "year": 2026})
    assert made.status_code == 201, made.content
    campaign = made.json()
    assert campaign == {
        "id": campaign["id"],
        "kind": "checkup",
        "kind_label": "体检",
        "year": 2026,
        "title": "2026年体检",
        "note": "",
        "batches": [],
        "counts": {"invited": 0, "accepted": 0, "declined": 0, "waiting": 0, "attended": 0, "absent": 0},
    }
    again = api.post("/care/campaigns", {"kind": "checkup", "year": 2026})
    assert (again.status_code, again.json()["message"]) == (422, "2026年已有体检活动。")
    made = api.post(
        f"/care/campaigns/{campaign['id']}/batches",
        {"name": "第一批", "starts_on": "2026-04-18", "place": "无锡市第二人民医院体检中心", "capacity": 80},
    )
    assert made.status_code == 201, made.content
    batch = made.json()
    assert batch == {
        "id": batch["id"],
        "campaign_id": campaign["id"],
        "name": "第一批",
        "starts_on": "2026-04-18",
        "ends_on": "2026-04-18",
        "place": "无锡市第二人民医院体检中心",
        "capacity": 80,
        "taken": 0,
        "free": 80,
        "cost_per_person": None,
        "programme": [],
        "campaign": {k: campaign[k] for k in ("id", "kind", "kind_label", "year", "title", "note")},
        "counts": {"invited": 0, "accepted": 0, "declined": 0, "waiting": 0, "attended": 0, "absent": 0},
        "waiting": [],
    }
    refused = api.post(
        f"/care/campaigns/{campaign['id']}/batches",
        {"name": "第二批", "starts_on": "2025-04-18", "place": "医院", "capacity": 0},
    )
    assert refused.status_code == 422
    assert refused.json()["fields"] == {
        "starts_on": ["批次的开始日期不在本次活动的年度内。"],
        "capacity": ["请填写名额（至少1个）。"],
    }
    detail = api.get(f"/care/campaigns/{campaign['id']}").json()
    assert [(b["name"], b["capacity"], b["taken"], b["free"]) for b in detail["batches"]] == [("第一批", 80, 0, 80)]
    listed = api.get("/care/campaigns?kind=checkup&year=2026").json()
    assert ([c["title"] for c in listed["items"]], listed["count"]) == (["2026年体检"], 1)
    assert api.get("/care/campaigns?kind=stay").json()["count"] == 0
    assert api.get("/care/campaigns?year=2025").json()["count"] == 0


def test_a_stay_batch_keeps_its_cost_and_programme(api_for, staff_user):
    api = api_for(staff_user)
    campaign = api.post("/care/campaigns", {"kind": "stay", "year": 2026, "title": "2026年疗休养"}).json()
    batch = api.post(
        f"/care/campaigns/{campaign['id']}/batches",
        {
            "name": "五月批",
            "starts_on": "2026-05-10",
            "ends_on": "2026-05-16",
            "place": "宜兴",
            "capacity": 30,
            "cost_per_person": "1800.00",
            "programme": "心理健康辅导\n\n饮食健康指导",
        },
    ).json()
    assert (batch["cost_per_person"], batch["programme"], batch["ends_on"]) == (
        "1800.00",
        ["心理健康辅导", "饮食健康指导"],
        "2026-05-16",
    )


# --- Invitations: the capacity, the waiting list, attendance ------------------------------------


def _invitations(api, batch, query=""):
    return [
        (i["person"]["name"], i["state"])
        for i in api.get(f"/care/batches/{batch.pk}/invitations{query}").json()["items"]
    ]


def test_the_api_fills_the_places_and_refuses_one_more_in_chinese(api_for, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=2)
    a, b, c = (person(union_a, name=n) for n in ("甲", "乙", "丙"))
    api = api_for(staff_user)
    first = api.post(f"/care/batches/{batch.pk}/invitations", {"person": a.pk, "reason": "从未参加体检"})
    assert first.status_code == 201
    body = first.json()
    assert body["invitation"] == {
        "id": body["invitation"]["id"],
        "campaign_id": batch.campaign_id,
        "batch_id": batch.pk,
        "person": {"id": a.pk, "name": "甲", "union": {"id": union_a.pk, "name": "梁溪区教育工会"}},
        "state": "invited",
        "state_label": "已邀请",
        "reason": "从未参加体检",
        "waiting_since": None,
        "answered_at": None,
        "follow_up": False,
        "follow_up_note": "",
    }
    assert (body["batch"]["taken"], body["batch"]["free"]) == (1, 1)
    assert api.post(f"/care/batches/{batch.pk}/invitations", {"person": b.pk}).json()["batch"]["free"] == 0
    full = api.post(f"/care/batches/{batch.pk}/invitations", {"person": c.pk})
    assert full.status_code == 422
    assert full.json() == {"code": "invalid", "message": FULL}
    batch.refresh_from_db()
    assert (batch.taken, batch.capacity) == (2, 2)
    assert Invitation.objects.filter(batch=batch).count() == 2
    twice = api.post(f"/care/batches/{batch.pk}/invitations", {"person": a.pk})
    assert twice.json() == {"code": "invalid", "message": "甲已在本次活动中。"}
    # The waiting list instead: no place taken.
    waiting = api.post(f"/care/batches/{batch.pk}/invitations", {"person": c.pk, "waiting": True}).json()
    assert (waiting["invitation"]["state"], waiting["batch"]["taken"]) == ("waiting", 2)
    entry = AuditEntry.objects.filter(object_type="care.invitation", action="create").order_by("id").last()
    assert (entry.actor_id, entry.changes) == (staff_user.pk, {"batch": [None, "第一批"], "state": [None, "waiting"]})


def test_a_decline_moves_the_waiting_list_up_and_attendance_keeps_a_flag_only(api_for, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=1, starts=dt.date(2026, 4, 18))
    a, b = person(union_a, name="甲"), person(union_a, name="乙")
    first = invitations.invite(actor=staff_user, batch=batch, model_worker=a)
    second = invitations.invite(actor=staff_user, batch=batch, model_worker=b, waiting=True)
    api = api_for(staff_user)
    detail = api.get(f"/care/batches/{batch.pk}").json()
    assert ([w["person"]["name"] for w in detail["waiting"]], detail["counts"]["waiting"]) == (["乙"], 1)
    early = api.post(f"/care/invitations/{second.pk}/answer", {"answer": "accept"})
    assert early.json() == {"code": "invalid", "message": "此人在候补名单上，尚无名额可确认参加。"}
    declined = api.post(f"/care/invitations/{first.pk}/answer", {"answer": "decline"}).json()
    assert declined["invitation"]["state"] == "declined"
    assert [(p["person"]["name"], p["state"]) for p in declined["promoted"]] == [("乙", "invited")]
    assert (declined["batch"]["taken"], declined["batch"]["free"]) == (1, 0)
    came = api.post(
        f"/care/invitations/{second.pk}/attendance", {"attended": True, "follow_up": True, "note": "血压偏高，请复查"}
    )
    assert came.status_code == 200, came.content
    assert {k: came.json()[k] for k in ("state", "state_label", "follow_up", "follow_up_note")} == {
        "state": "attended",
        "state_label": "已参加",
        "follow_up": True,
        "follow_up_note": "血压偏高，请复查",
    }
    again = api.post(f"/care/invitations/{second.pk}/attendance", {"attended": False})
    assert again.json() == {"code": "invalid", "message": "只能为已邀请或已确认参加的人登记参加情况，此人为：已参加。"}
    assert _invitations(api, batch) == [("乙", "attended"), ("甲", "declined")]
    assert _invitations(api, batch, "?state=declined") == [("甲", "declined")]


def test_attendance_waits_for_the_batch_to_start(api_for, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=1, starts=dt.date(2026, 12, 28))
    invitation = invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a))
    response = api_for(staff_user).post(f"/care/invitations/{invitation.pk}/attendance", {"attended": True})
    assert response.json() == {"code": "invalid", "message": "该批次尚未开始（2026-12-28）。"}


def test_the_suggestions_are_the_pages_ranked_list_with_the_reason_in_words(api_for, staff_user, union_a, auditor_user):
    person(union_a, name="老者", born=dt.date(1950, 3, 1))
    young = person(union_a, name="青年", born=dt.date(1985, 3, 1))
    HardshipFile.objects.create(
        model_worker=young, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 1, 1)
    )
    _campaign, batch = checkup(staff_user)
    body = api_for(staff_user).get(f"/care/batches/{batch.pk}/suggestions").json()
    assert (body["rule"]["kind"], body["rule"]["priority"]) == ("checkup", ["overdue", "never", "age", "hardship"])
    assert body["rule"]["priority_labels"] == ["距上次最久的优先", "从未参加过的优先", "年龄从大到小", "困难劳模"]
    assert [(s["person"]["name"], s["last_year"], s["reason"]) for s in body["items"]] == [
        ("老者", None, "从未参加体检；在职劳模每1年一次；75岁"),
        ("青年", None, "从未参加体检；在职劳模每1年一次；40岁；困难劳模"),
    ]
    read = AuditEntry.objects.filter(action="read", object_type="care.invitation").get()
    assert (read.detail["rows"], read.detail["filters"], read.object_id) == (2, "", str(batch.campaign_id))
    assert api_for(auditor_user).get(f"/care/batches/{batch.pk}/suggestions").json() == FORBIDDEN


# --- Scope: a union's token reaches its own people only -------------------------------------------


@pytest.fixture
def two_unions(staff_user, union_a, union_b):
    """A batch with one person of each union invited, and a visit and a need of each."""
    _campaign, batch = checkup(staff_user, places=5, starts=dt.date(2026, 4, 18))
    mine, theirs = person(union_a, name="本会"), person(union_b, name="外会")
    out = {"batch": batch, "mine": mine, "theirs": theirs}
    for key, worker in (("mine", mine), ("theirs", theirs)):
        out[f"{key}_invitation"] = invitations.invite(actor=staff_user, batch=batch, model_worker=worker)
        visit = visits.record_visit(
            actor=staff_user,
            model_worker=worker,
            data={
                "occasion": "may_day",
                "mode": "home",
                "visited_on": dt.date(2026, 5, 1),
                "visitors": "区总工会",
                "allowance": "unknown",
                "health": "好",
            },
        )
        out[f"{key}_visit"] = visit
        out[f"{key}_need"] = needs.raise_need(
            actor=staff_user,
            model_worker=worker,
            source="visit",
            description="修缮",
            holder=staff_user,
            deadline=TODAY + dt.timedelta(days=30),
            visit=visit,
        )
    return out


def test_a_union_sees_and_changes_only_its_own_people(api_for, union_user, two_unions):
    api = api_for(union_user)
    batch = two_unions["batch"]
    # The batch is the federation's plan (every reader sees it), its people are scoped.
    detail = api.get(f"/care/batches/{batch.pk}").json()
    assert (detail["taken"], detail["counts"]["invited"]) == (2, 2)
    assert _invitations(api, batch) == [("本会", "invited")]
    theirs = two_unions["theirs_invitation"].pk
    for path, body in (
        (f"/care/invitations/{theirs}/answer", {"answer": "accept"}),
        (f"/care/invitations/{theirs}/attendance", {"attended": True}),
        (f"/care/needs/{two_unions['theirs_need'].pk}/steps", {"on": str(TODAY), "note": "x"}),
        (f"/care/needs/{two_unions['theirs_need'].pk}/resolve", {"resolution": "x", "satisfaction": "very"}),
        (
            f"/care/people/{two_unions['theirs'].pk}/visits",
            {"mode": "home", "visited_on": "2026-05-02", "visitors": "我", "health": "好", "occasion": "routine"},
        ),
        (
            f"/care/people/{two_unions['theirs'].pk}/needs",
            {"source": "phone", "description": "x", "deadline": str(TODAY)},
        ),
    ):
        response = api.post(path, body)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    for path in (f"/care/visits/{two_unions['theirs_visit'].pk}", f"/care/needs/{two_unions['theirs_need'].pk}"):
        response = api.get(path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    invite = api.post(
        f"/care/batches/{batch.pk}/invitations", {"person": person(two_unions["theirs"].union, name="外二").pk}
    )
    assert invite.json() == {
        "code": "invalid",
        "message": "请从允许的值中选择。",
        "fields": {"person": ["请从允许的值中选择。"]},
    }
    assert [n["person"]["name"] for n in api.get("/care/needs?show=all").json()["items"]] == ["本会"]
    assert api.get(f"/care/visits/{two_unions['mine_visit'].pk}").json()["person"]["name"] == "本会"
    accepted = api.post(f"/care/invitations/{two_unions['mine_invitation'].pk}/answer", {"answer": "accept"})
    assert accepted.json()["invitation"]["state"] == "accepted"


def test_a_read_only_role_is_refused_every_write(api_for, auditor_user, two_unions):
    api = api_for(auditor_user)
    batch = two_unions["batch"]
    assert _invitations(api, batch) == [("外会", "invited"), ("本会", "invited")]
    for path, body in (
        ("/care/campaigns", {"kind": "stay", "year": 2026}),
        (
            f"/care/campaigns/{batch.campaign_id}/batches",
            {"name": "x", "starts_on": "2026-05-01", "place": "x", "capacity": 1},
        ),
        (f"/care/batches/{batch.pk}/invitations", {"person": two_unions["mine"].pk}),
        (f"/care/invitations/{two_unions['mine_invitation'].pk}/answer", {"answer": "accept"}),
        (f"/care/invitations/{two_unions['mine_invitation'].pk}/attendance", {"attended": True}),
        ("/care/rules", {"kind": "checkup", "effective_from": "2027-01-01", "working_every": 1, "priority": ["age"]}),
        ("/care/visit-rules", {"effective_from": "2027-01-01", "age_at_least": 80, "months_without_visit": 12}),
        ("/care/plans", {"occasion": "mid_autumn", "year": 2026}),
        (
            f"/care/people/{two_unions['mine'].pk}/needs",
            {"source": "phone", "description": "x", "deadline": str(TODAY)},
        ),
        (f"/care/needs/{two_unions['mine_need'].pk}/resolve", {"resolution": "x", "satisfaction": "very"}),
    ):
        response = api.post(path, body)
        assert (response.status_code, response.json()) == (403, FORBIDDEN), path
    assert Invitation.objects.filter(state=InvitationState.INVITED).count() == 2


def test_a_union_may_not_plan_campaigns_or_rules(api_for, union_user, two_unions):
    api = api_for(union_user)
    assert api.post("/care/campaigns", {"kind": "stay", "year": 2026}).json() == FORBIDDEN
    assert api.post("/care/plans", {"occasion": "mid_autumn", "year": 2026}).json() == FORBIDDEN


# --- Rules --------------------------------------------------------------------------------------


def test_rules_are_listed_and_a_new_one_ends_the_old(api_for, staff_user):
    api = api_for(staff_user)
    made = api.post(
        "/care/rules",
        {
            "kind": "stay",
            "effective_from": "2027-01-01",
            "working_every": 2,
            "priority": ["working", "never"],
            "note": "新规",
        },
    )
    assert made.status_code == 201, made.content
    assert {
        k: made.json()[k]
        for k in (
            "kind",
            "effective_from",
            "effective_until",
            "working_every",
            "retired_every",
            "priority_labels",
            "note",
        )
    } == {
        "kind": "stay",
        "effective_from": "2027-01-01",
        "effective_until": None,
        "working_every": 2,
        "retired_every": None,
        "priority_labels": ["在职劳模优先", "从未参加过的优先"],
        "note": "新规",
    }
    stays = api.get("/care/rules?kind=stay").json()["items"]
    assert [(r["effective_from"], r["effective_until"]) for r in stays][:2] == [
        ("2027-01-01", None),
        (stays[1]["effective_from"], "2026-12-31"),
    ]
    bad = api.post("/care/rules", {"kind": "stay", "effective_from": "2027-01-01", "priority": ["age", "age"]})
    assert bad.json()["fields"] == {
        "working_every": ["规则至少要有一类人员参加：请至少填写一个间隔年数。"],
        "priority": ["请按顺序选择优先条件，每项只选一次。"],
    }
    visit_rule = api.post(
        "/care/visit-rules", {"effective_from": "2027-01-01", "age_at_least": 85, "months_without_visit": 6}
    )
    assert visit_rule.status_code == 201
    assert api.get("/care/visit-rules").json()["items"][0] == {
        "id": visit_rule.json()["id"],
        "effective_from": "2027-01-01",
        "effective_until": None,
        "age_at_least": 85,
        "months_without_visit": 6,
    }


# --- Visit plans, visits, needs ----------------------------------------------------------------


def test_a_plan_is_suggested_filled_visited_and_a_need_followed_to_resolution(api_for, staff_user, union_a):
    poor = person(union_a, name="困难", born=dt.date(1970, 1, 1))
    HardshipFile.objects.create(
        model_worker=poor, category=HardshipCategory.GENERAL, established_on=dt.date(2025, 1, 1)
    )
    api = api_for(staff_user)
    plan = api.post("/care/plans", {"occasion": "spring_festival", "year": 2026}).json()
    assert plan == {
        "id": plan["id"],
        "occasion": "spring_festival",
        "occasion_label": "春节",
        "year": 2026,
        "title": "2026年春节走访慰问",
        "entries": 0,
        "done": 0,
    }
    suggested = api.get(f"/care/plans/{plan['id']}/suggestions").json()
    assert [(s["person"]["name"], s["reason"]) for s in suggested["items"]] == [("困难", "困难劳模；从未走访")]
    assert suggested["rule"]["age_at_least"] == 80
    added = api.post(f"/care/plans/{plan['id']}/entries", {"people": [{"person": poor.pk, "reason": "生活困难"}]})
    assert added.status_code == 201, added.content
    entry = added.json()[0]
    assert {k: entry[k] for k in ("reason", "assigned_to", "visit_id")} == {
        "reason": "生活困难",
        "assigned_to": {"id": union_a.pk, "name": "梁溪区教育工会"},
        "visit_id": None,
    }
    twice = api.post(f"/care/plans/{plan['id']}/entries", {"people": [{"person": poor.pk}]})
    assert twice.json() == {"code": "invalid", "message": "困难已在本计划中。"}
    assert PlanEntry.objects.count() == 1
    made = api.post(
        f"/care/people/{poor.pk}/visits",
        {
            "mode": "home",
            "visited_on": "2026-01-20",
            "visitors": "区总工会 王主席",
            "health": "腿脚不便",
            "housing": "老旧小区六楼，无电梯",
            "allowance": "arrives",
            "entry": entry["id"],
        },
    )
    assert made.status_code == 201, made.content
    visit = made.json()
    assert {k: visit[k] for k in ("occasion", "occasion_label", "mode_label", "allowance_label", "needs")} == {
        "occasion": "spring_festival",
        "occasion_label": "春节",
        "mode_label": "上门走访",
        "allowance_label": "按时足额到位",
        "needs": [],
    }
    assert api.get(f"/care/plans/{plan['id']}").json()["done"] == 1
    assert api.get(f"/care/plans/{plan['id']}/entries").json()["items"][0]["visit_id"] == visit["id"]
    # The visit raises a need, held by the caller, with a deadline.
    need = api.post(
        f"/care/people/{poor.pk}/needs",
        {
            "source": "visit",
            "description": "加装楼道扶手",
            "deadline": str(TODAY + dt.timedelta(days=30)),
            "visit": visit["id"],
        },
    )
    assert need.status_code == 201, need.content
    need = need.json()
    assert {k: need[k] for k in ("source_label", "visit_id", "holder", "state", "overdue", "steps")} == {
        "source_label": "走访中提出",
        "visit_id": visit["id"],
        "holder": {"id": staff_user.pk, "name": str(staff_user)},
        "state": "open",
        "overdue": False,
        "steps": [],
    }
    assert [n["description"] for n in api.get(f"/care/visits/{visit['id']}").json()["needs"]] == ["加装楼道扶手"]
    assert [n["id"] for n in api.get("/care/needs?show=mine").json()["items"]] == [need["id"]]
    step = api.post(f"/care/needs/{need['id']}/steps", {"on": str(TODAY), "note": "联系社区，已派人测量"})
    assert (step.status_code, step.json()["note"], step.json()["by"]["id"]) == (
        201,
        "联系社区，已派人测量",
        staff_user.pk,
    )
    done = api.post(f"/care/needs/{need['id']}/resolve", {"resolution": "扶手已装好", "satisfaction": "very"}).json()
    assert {k: done[k] for k in ("state", "state_label", "resolution", "resolved_on", "satisfaction_label")} == {
        "state": "resolved",
        "state_label": "已办结",
        "resolution": "扶手已装好",
        "resolved_on": str(TODAY),
        "satisfaction_label": "非常满意",
    }
    assert [s["note"] for s in done["steps"]] == ["联系社区，已派人测量"]
    assert [n["id"] for n in api.get("/care/needs?show=resolved").json()["items"]] == [need["id"]]
    assert api.get("/care/needs").json()["count"] == 0
    again = api.post(f"/care/needs/{need['id']}/steps", {"on": str(TODAY), "note": "再次"})
    assert again.json() == {"code": "invalid", "message": "该诉求已办结。"}
    assert NeedStep.objects.count() == 1
    assert Visit.objects.count() == 1
    updates = AuditEntry.objects.filter(object_type="care.need", action="update").get()
    assert updates.changes["satisfaction"] == [None, "very"]


def test_overdue_needs_are_listed(api_for, staff_user, union_a):
    worker = person(union_a)
    need = needs.raise_need(
        actor=staff_user, model_worker=worker, source="phone", description="看病", holder=staff_user, deadline=TODAY
    )
    Need.objects.filter(pk=need.pk).update(deadline=TODAY - dt.timedelta(days=1))
    body = api_for(staff_user).get("/care/needs?show=overdue").json()
    assert [(n["description"], n["overdue"]) for n in body["items"]] == [("看病", True)]


def test_a_need_holder_is_chosen_from_staff_who_may_hold_it(api_for, staff_user, make_user, union_a, union_b):
    worker = person(union_a)
    outsider = make_user(Role.UNION_STAFF, username="外会人员", organisation=union_b)
    response = api_for(staff_user).post(
        f"/care/people/{worker.pk}/needs",
        {"source": "phone", "description": "x", "deadline": str(TODAY), "holder": outsider.pk},
    )
    assert response.json()["fields"] == {"holder": ["请从允许的值中选择。"]}


# --- The care year ---------------------------------------------------------------------------------


def test_the_care_year_gives_the_year_pages_figures_and_sentences(api_for, staff_user, union_user, union_a, union_b):
    _campaign, batch = checkup(staff_user, year=2026, places=5, starts=dt.date(2026, 4, 18))
    for union, name in ((union_a, "甲"), (union_a, "乙"), (union_b, "丙")):
        inv = invitations.invite(actor=staff_user, batch=batch, model_worker=person(union, name=name))
        invitations.record_attendance(actor=staff_user, invitation=inv, attended=True)
    body = api_for(staff_user).get("/care/year?year=2026").json()
    assert body["checkups"] == {"batches": 1, "invited": 3, "attended": 3, "working": 3, "dates": ["2026-04-18"]}
    assert body["sentences"] == ["4月中旬区总工会组织一批3名劳模免费体检。"]
    assert body["by_occasion"][0] == {"occasion": "spring_festival", "label": "春节", "visits": 0}
    assert (body["visits"], body["needs_opened"]) == (0, 0)
    mine = api_for(union_user).get("/care/year?year=2026").json()
    assert (mine["checkups"]["attended"], mine["sentences"]) == (2, ["4月中旬区总工会组织一批2名劳模免费体检。"])
    assert api_for(staff_user).get("/care/year?year=1900").json()["fields"] == {"year": ["请填写1979年以后的年份。"]}


# --- Query counts, and the capacity under two callers at once -----------------------------------------


def test_the_invitation_list_makes_the_same_number_of_queries_for_one_or_many(api_for, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=10)
    api = api_for(staff_user)
    invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name="一"))
    api.get(f"/care/batches/{batch.pk}/invitations")
    with CaptureQueriesContext(connection) as one:
        api.get(f"/care/batches/{batch.pk}/invitations")
    for i in range(5):
        invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name=f"多{i}"))
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(f"/care/batches/{batch.pk}/invitations").json()["items"]) == 6
    assert len(one) == len(many) == QUERIES_FOR_A_PAGE_OF_INVITATIONS


def test_a_page_of_invitations_is_one_read_on_record_with_its_filter(api_for, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=3)
    for name in ("甲", "乙"):
        invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name=name))
    api = api_for(staff_user)
    assert len(api.get(f"/care/batches/{batch.pk}/invitations?state=invited").json()["items"]) == 2
    read = AuditEntry.objects.filter(action="read", object_type="care.invitation").get()
    assert (read.actor_id, read.object_id, read.detail["rows"], read.detail["filters"]) == (
        staff_user.pk,
        str(batch.pk),
        2,
        "state=invited",
    )
    assert api.get(f"/care/batches/{batch.pk}/invitations?state=waiting").json()["items"] == []
    assert AuditEntry.objects.filter(action="read").count() == 1  # nothing read, nothing on record


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tokens_taking_the_last_place_at_once_one_gets_it_the_other_is_told(make_user, staff_user, union_a):
    other = make_user(Role.FEDERATION_STAFF, username="staff2")
    _campaign, batch = checkup(staff_user, places=2)
    invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name="甲"))
    a, b = person(union_a, name="乙"), person(union_a, name="丙")
    first, second = ApiClient(Client(), token_for(staff_user)), ApiClient(Client(), token_for(other))
    results = together(
        lambda: first.post(f"/care/batches/{batch.pk}/invitations", {"person": a.pk}),
        lambda: second.post(f"/care/batches/{batch.pk}/invitations", {"person": b.pk}),
    )
    assert sorted(r.status_code for r in results) == [201, 422], results
    refused = next(r for r in results if r.status_code == 422)
    assert refused.json() == {"code": "invalid", "message": FULL}
    batch.refresh_from_db()
    assert (batch.taken, batch.capacity) == (2, 2)
    assert Batch.objects.get(pk=batch.pk).taken == Invitation.objects.filter(batch=batch).count() == 2
