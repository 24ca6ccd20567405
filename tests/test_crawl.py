"""The site as its people make it and walk it (issue 10).

Data is made by every path users have — ``manage.py demo``, the forms (posted as the pages
render them), a roster .xlsx through the import pages (one import applied, one left waiting
in its preview), a merge of two records, the API with a personal token, a batch from
generation to payment, a unit from application to plaque, an evaluation round closed and a
unit promoted. Then each of the six roles logs in through the login page and follows every
same-site link breadth-first from ``/`` (GET only; no logout, no file downloads) — each shape
of page twice, each shape of filtered list once, and every page of what the test made and
one of each state of batch, unit, round and import — and presses each kind of button once as
the page shows it (undone at once). Any 5xx fails, naming the page and the page that linked
to it; so does a link or a button that refuses the person it was shown to, a raw key
(``UPPER_SNAKE``, ``dotted.keys``, a bare M/F) in the text a person reads, and an audit entry
whose change is not labelled in words.

Built once per test session and rolled back (about 40 s of CPU on SQLite); the tests read what the
walk found.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import Resolver404, resolve
from django.utils import timezone
from PIL import Image

from gongjiang.accounts.audit_display import decorate
from gongjiang.accounts.models import AuditEntry, Organisation, User
from gongjiang.archive.enums import Level, Status
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits.models import Batch, Item, Scheme
from gongjiang.care.models import Campaign, VisitPlan
from gongjiang.platform.enums import Have, Tier
from gongjiang.platform.models import Case, Evaluation, EvaluationRound, RubricItem, Unit
from gongjiang.rosters.models import RosterImport
from tests import url_table
from tests.factories import valid_id
from tests.site_walk import crawl, raw_keys, submit

# The tests only read what the module fixture found; the mark makes pytest-django set up the
# test database the fixture uses.
pytestmark = [pytest.mark.xdist_group("crawl"), pytest.mark.django_db]

PASSWORD = "Demo@2026"
ROLES = ["admin", "staff", "union", "leader", "auditor", "worker"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def tasks():
    """Background work runs at once in tests, after the request's transaction commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def log_in(client: Client, username: str) -> None:
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, (username, response.status_code)


def form_errors(response) -> list[str]:
    body = response.content.decode(errors="replace")
    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)


def ok(response, *codes):
    """The response, once it is what the step expects (a redirect after a saved form)."""
    if response.status_code not in (codes or (302,)) or (response.status_code == 200 and form_errors(response)):
        raise AssertionError((response.status_code, form_errors(response) or response.content[:500]))
    return response


def _roster(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["梁溪区劳模花名册"])
    sheet.append(
        ["姓名", "性别", "出生日期", "身份证号", "工作单位", "人员状态", "退休时间", "荣誉称号", "级别", "表彰年度"]
    )
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def make_everything(client: Client) -> dict:
    """Every path users have, in the order a federation would take them."""
    made: dict[str, list[str]] = {"pages": []}
    pages = made["pages"]
    today = timezone.localdate()
    call_command("demo", stdout=io.StringIO())
    union = User.objects.get(username="union").organisation

    # --- Forms: a record with its honour, family, hardship file, bank account and a hold.
    log_in(client, "staff")
    birth = dt.date(1958, 9, 9)
    ok(
        submit(
            client,
            "/archive/new/",
            {
                "name": "陈秀英",
                "id_number": valid_id(birth, "F"),
                "sex": "F",
                "birth_date": birth.isoformat(),
                "union": str(union.pk),
                "employer": "梁溪区实验小学",
                "status": Status.RETIRED,
                "retired_on": "2018-09-30",
                "phone": "13912345678",
            },
        )
    )
    person = ModelWorker.objects.get(name="陈秀英")
    base = f"/archive/{person.pk}/"
    ok(submit(client, base + "honours/new/", {"title": "江苏省劳动模范", "level": "2", "year": "2009"}))
    ok(submit(client, base + "family/new/", {"name": "陈小明", "employment": "教师"}))
    ok(
        submit(
            client,
            base + "hardship/",
            {
                "is_active": "on",
                "category": "general",
                "established_on": "2026-03-01",
                "monthly_income": "2100",
                "family_size": "2",
            },
        )
    )
    ok(submit(client, base + "edit/", {"position": "退休教师"}))
    benefits = f"/benefits/people/{person.pk}/"
    ok(
        submit(
            client,
            benefits + "account/",
            {"bank": "工商银行无锡分行", "account_number": "6222020000001234567", "holder": "陈秀英"},
        )
    )
    ok(submit(client, benefits + "holds/new/", {"starts_on": "2026-11-01", "note": "待核实"}))
    pages += [base, base + "edit/", benefits, f"/platform/people/{person.pk}/"]

    # --- Administration: a user and a union.
    log_in(client, "admin")
    ok(
        submit(
            client,
            "/accounts/organisations/new/",
            {
                "name": "梁溪区物流快递行业工会",
                "short_name": "快递工会",
                "code": "LX-090",
                "parent": str(union.parent_id),
            },
        )
    )
    org = Organisation.objects.get(code="LX-090")
    ok(
        submit(
            client,
            "/accounts/users/new/",
            {"username": "kuaidi", "full_name": "快递工会干事", "role": "union_staff", "organisation": str(org.pk)},
        ),
        200,
    )
    pages += [f"/accounts/organisations/{org.pk}/", f"/accounts/users/{User.objects.get(username='kuaidi').pk}/"]

    # --- A roster: one applied, with a possible duplicate of 陈秀英 kept apart; one left in preview.
    log_in(client, "staff")
    rows = [
        [
            "周桂兰",
            "女",
            "1956-04-02",
            valid_id(dt.date(1956, 4, 2), "F"),
            "无锡纺织厂",
            "退休",
            "2011-04-30",
            "全国劳动模范",
            "全国",
            2005,
        ],
        [
            "吴国强",
            "男",
            "1962-11-20",
            valid_id(dt.date(1962, 11, 20), "M"),
            "无锡机床厂",
            "退休",
            "2022-11-30",
            "无锡市劳动模范",
            "市级",
            2012,
        ],
        [
            "陈秀英",
            "女",
            birth.isoformat(),
            valid_id(birth, "F"),
            "梁溪区实验小学",
            "退休",
            "2018-09-30",
            "无锡市先进工作者",
            "市级",
            2004,
        ],
    ]
    with tasks():
        ok(
            client.post(
                "/rosters/", {"file": SimpleUploadedFile("花名册.xlsx", _roster(rows)), "default_union": union.pk}
            )
        )
    ri = RosterImport.objects.order_by("-id").first()
    detail = client.get(f"/rosters/{ri.pk}/").content.decode()
    decisions = dict.fromkeys(set(re.findall(r'name="(person_\d+)"', detail)), "new")
    with tasks():
        ok(submit(client, f"/rosters/{ri.pk}/", decisions, action=f"/rosters/{ri.pk}/confirm/"))
    ri.refresh_from_db()
    assert ri.counts.get("created_people", ri.counts.get("new")), ri.counts
    imported = ModelWorker.objects.get(name="周桂兰")
    pages += [f"/rosters/{ri.pk}/", f"/archive/{imported.pk}/", f"/benefits/people/{imported.pk}/"]
    waiting = [
        [
            "郑美华",
            "女",
            "1963-05-06",
            valid_id(dt.date(1963, 5, 6), "F"),
            "无锡纺织厂",
            "在职",
            "",
            "无锡市劳动模范",
            "市级",
            2015,
        ]
    ]
    with tasks():
        ok(
            client.post(
                "/rosters/", {"file": SimpleUploadedFile("新增名单.xlsx", _roster(waiting)), "default_union": union.pk}
            )
        )
    pages.append(f"/rosters/{RosterImport.objects.order_by('-id').first().pk}/")

    # --- A merge of the two 陈秀英 records, from the duplicates page.
    ok(client.get("/rosters/duplicates/"), 200)
    twins = list(ModelWorker.objects.filter(name="陈秀英", archived_at__isnull=True).order_by("pk"))
    assert len(twins) == 2, twins
    ok(client.post("/rosters/duplicates/merge/", {"keep": twins[0].pk, "other": twins[1].pk}))

    # --- The API, with a token made on the token page.
    shown = ok(submit(client, "/accounts/tokens/", {"name": "市总工会统计报送"}), 200).content.decode()
    token = re.search(r"gj_[0-9a-f]{8}_[\w-]+", shown).group(0)
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post(
        "/api/v1/model-workers",
        {
            "name": "孙建平",
            "sex": "M",
            "birth_date": "1960-02-02",
            "union": union.pk,
            "status": "retired",
            "retired_on": "2020-02-29",
        },
        content_type="application/json",
        **api,
    )
    assert created.status_code == 201, created.content
    api_person = created.json()["id"]
    ok(
        client.post(
            f"/api/v1/model-workers/{api_person}/honours",
            {"title": "全国劳动模范", "level": 1, "year": 2000},
            content_type="application/json",
            **api,
        ),
        201,
    )
    ok(
        client.patch(
            f"/api/v1/model-workers/{api_person}", {"position": "高级技师"}, content_type="application/json", **api
        ),
        200,
    )
    pages += [f"/archive/{api_person}/", f"/benefits/people/{api_person}/"]

    # --- Treatment: a new scheme and standard through the forms, in-kind items changed, a
    # batch generated, submitted, approved by someone else, paid and closed.
    ok(
        submit(
            client,
            "/benefits/schemes/new/",
            {"name": "重阳节慰问金", "kind": "holiday_condolence", "period": "yearly", "purpose": "重阳节慰问"},
        )
    )
    scheme = Scheme.objects.get(name="重阳节慰问金")
    ok(
        submit(
            client,
            f"/benefits/schemes/{scheme.pk}/rules/new/",
            {
                "label": "2026 年标准",
                "effective_from": "2026-01-01",
                "statuses": ["retired"],
                "levels": ["1", "2", "3"],
                "amount_1": "800",
                "amount_2": "500",
                "amount_3": "300",
            },
        )
    )
    in_kind = Scheme.objects.filter(kind="in_kind").first()
    if in_kind is not None:
        items = {f"item_{i.pk}": "3" for i in Item.objects.filter(is_active=True)[:2]}
        ok(submit(client, f"/benefits/schemes/{in_kind.pk}/", items, action=f"/benefits/schemes/{in_kind.pk}/items/"))
        pages.append(f"/benefits/schemes/{in_kind.pk}/")
    ok(client.post(f"/benefits/schemes/{scheme.pk}/generate/", {"period": "2026-10"}))
    batch = Batch.objects.filter(scheme=scheme).get()
    ok(client.post(f"/benefits/batches/{batch.pk}/submit/"))
    log_in(client, "admin")
    ok(client.post(f"/benefits/batches/{batch.pk}/approve/"))
    log_in(client, "staff")
    ok(
        submit(
            client,
            f"/benefits/batches/{batch.pk}/",
            {"paid_on": today.isoformat()},
            action=f"/benefits/batches/{batch.pk}/pay_all/",
        )
    )
    ok(client.post(f"/benefits/batches/{batch.pk}/close/"))
    batch.refresh_from_db()
    assert batch.state == "closed", batch.state
    pages += [f"/benefits/schemes/{scheme.pk}/", f"/benefits/batches/{batch.pk}/"]
    pages += [f"/benefits/report/?scheme={s.pk}&first=2026-01&last=2026-12" for s in Scheme.objects.all()]

    # --- The platform: a star post applied for by the union, reviewed, its six haves kept,
    # its plaque awarded, its team and records kept; a round closed; the post promoted.
    leader = (
        ModelWorker.objects.filter(union=union, highest_level__lte=Level.MUNICIPAL, status=Status.WORKING)
        .exclude(led_units__isnull=False)
        .order_by("pk")
        .first()
    )
    log_in(client, "union")
    ok(
        submit(
            client,
            "/platform/units/new/",
            {
                "name": "教育工会数字化教学示范岗",
                "tier": Tier.STAR_POST,
                "leader": str(leader.pk),
                "union": str(union.pk),
                "field": "数字化教学",
                "venue": "实验小学三楼",
            },
        )
    )
    unit = Unit.objects.get(name="教育工会数字化教学示范岗")
    u = f"/platform/units/{unit.pk}/"
    log_in(client, "staff")
    ok(submit(client, u, {"decision": "approve", "reason": "材料齐全"}, action=u + "review/"))
    for have in Have.values:
        ok(submit(client, f"{u}haves/{have}/", {"met": "on", "note": "已落实"}))
    # Evidence for a have: a real picture, as the upload on the unit page sends it.
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, "PNG")
    upload = SimpleUploadedFile("团队合影.png", picture.getvalue(), content_type="image/png")
    ok(client.post(u + "evidence/", {"e-file": upload, "e-caption": "团队合影", "have": Have.TEAM}))
    ok(submit(client, u, {"on": today.isoformat(), "stars": "3"}, action=u + "award/"))
    ok(submit(client, u + "members/new/", {"name": "钱师傅", "position": "信息技术教师"}))
    member = unit.members.get(name="钱师傅")
    ok(client.post(f"/platform/members/{member.pk}/end/", {"left_on": today.isoformat()}))
    ok(
        submit(
            client,
            u + "inspections/new/",
            {"inspectors": "区总工会督查组", "findings": "台账不全", "deadline": "2027-01-31"},
        )
    )
    ok(submit(client, u + "meetings/new/", {"attendees": "全体成员", "minutes": "研究课题进展"}))
    ok(
        submit(
            client,
            u + "achievements/new/",
            {
                "kind": "project",
                "title": "课堂数字化改造",
                "role": "led",
                "project_status": "completed",
                "level": "district",
            },
        )
    )
    ok(
        submit(
            client,
            u + "mentorships/new/",
            {
                "master_name": "钱师傅",
                "apprentice_name": "小李",
                "agreed_on": "2026-03-01",
                "ends_on": "2028-12-31",
                "goals": "取得技师资格",
            },
        )
    )
    ok(submit(client, u + "expenses/new/", {"amount": "1200", "purpose": "购置教具"}))
    ok(
        submit(
            client,
            "/platform/evaluations/",
            {"year": str(today.year), "title": f"{today.year} 年示范岗复核", "tiers": [Tier.STAR_POST]},
            action="/platform/evaluations/new/",
        )
    )
    ev = Evaluation.objects.get(unit=unit, round__title=f"{today.year} 年示范岗复核")
    points = {
        f"item_{i.pk}": str(i.max_points) for i in RubricItem.objects.filter(rubric__tier=Tier.STAR_POST, retired=False)
    }
    for reviewer in ("staff", "admin"):
        log_in(client, reviewer)
        ok(submit(client, f"/platform/evaluation/{ev.pk}/", {**points, "comment": "成效突出"}))
    ok(client.post(f"/platform/evaluations/{ev.round_id}/close/"))
    case = Case.objects.get(unit=unit, state="pending")
    ok(
        submit(
            client,
            "/platform/cases/",
            {"decision": "accept", "reason": "三星示范岗考评优秀"},
            action=f"/platform/cases/{case.pk}/",
        )
    )
    unit.refresh_from_db()
    assert unit.tier == Tier.STUDIO, unit.tier
    pages += [
        u,
        u + "edit/",
        u + "meetings/",
        u + "achievements/",
        f"/platform/evaluations/{ev.round_id}/",
        f"/platform/evaluation/{ev.pk}/",
    ]
    pages += [f"/platform/units/?status=all&q={unit.name}", "/accounts/audit/?object_type=platform.unit"]
    # --- Care: a check-up campaign and its batch; the union's person invited and answering.
    log_in(client, "staff")
    ok(submit(client, "/care/checkups/new/", {"year": "2027", "title": "2027 年劳模体检"}))
    campaign = Campaign.objects.get(kind="checkup", year=2027)
    ok(
        submit(
            client,
            f"/care/campaigns/{campaign.pk}/batches/new/",
            {"name": "第一批", "starts_on": "2027-04-18", "place": "区人民医院体检中心", "capacity": "30"},
        )
    )
    care_batch = campaign.batches.get()
    ok(client.post(f"/care/batches/{care_batch.pk}/invite/", {"person": str(person.pk), "reason": "退休劳模"}))
    invitation = care_batch.invitations.get(model_worker=person)
    ok(client.post(f"/care/invitations/{invitation.pk}/answer/", {"answer": "accept"}))
    pages += [campaign.get_absolute_url(), care_batch.get_absolute_url(), "/care/rules/"]
    ok(submit(client, "/care/visits/plans/new/", {"occasion": "spring_festival", "year": "2027"}))
    plan = VisitPlan.objects.get(occasion="spring_festival", year=2027)
    ok(client.post(f"/care/visits/plans/{plan.pk}/add/", {"person": str(person.pk), "reason": "困难劳模"}))
    entry = plan.entries.get(model_worker=person)
    ok(
        submit(
            client,
            f"/care/people/{person.pk}/visits/new/?entry={entry.pk}",
            {
                "mode": "home",
                "visited_on": today.isoformat(),
                "visitors": "区总工会 王主席",
                "health": "腿脚不便",
                "housing": "老旧小区六楼，无电梯",
                "allowance": "arrives",
            },
        )
    )
    entry.refresh_from_db()
    ok(
        submit(
            client,
            f"/care/people/{person.pk}/needs/new/?visit={entry.visit_id}",
            {"description": "希望协调加装电梯", "deadline": "2027-03-01"},
        )
    )
    need = entry.visit.needs.get()
    ok(client.post(f"/care/needs/{need.pk}/steps/", {"on": today.isoformat(), "note": "已与社区联系"}))
    pages += [plan.get_absolute_url(), entry.visit.get_absolute_url(), need.get_absolute_url(), "/care/needs/?show=all"]
    pages.append(f"/care/people/{person.pk}/visits/new/")
    # And one of every state a page shows differently, wherever the links lead first.
    for model, state in [(Batch, "state"), (Unit, "status"), (EvaluationRound, "state"), (RosterImport, "status")]:
        for value in model.objects.values_list(state, flat=True).distinct():
            pages.append(model.objects.filter(**{state: value}).latest("pk").get_absolute_url())
    return made


def _view(path: str) -> str:
    try:
        return resolve(path.split("?")[0]).view_name
    except Resolver404:
        return "(none)"


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """Make the data, walk the site as every role, and roll it all back. Session-scoped: what it
    returns is plain data (the database is rolled back before it returns), so the walk is made
    once even when the worker runs other modules' tests between this module's."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("private")),
        transaction.atomic(),
    ):
        cache.clear()
        made = make_everything(Client())
        # A server error is a finding to list, not an exception to stop at.
        client = Client(raise_request_exception=False)
        walks = {}
        for role in ROLES:
            log_in(client, role)
            cache.clear()  # the per-user read limits are not what this walks
            walks[role] = crawl(client, seeds=made["pages"], presses=True)

        def fresh_log_in(client, role):
            log_in(client, role)
            cache.clear()

        probes = url_table.probe(client, ROLES, fresh_log_in)
        audit = []
        for entry in AuditEntry.objects.order_by("id"):
            try:
                rows = decorate([entry])[0].rows
            except Exception as exc:  # the test lists what broke
                rows = [(f"{type(exc).__name__}: {exc}", "", "")]
            audit += [(entry.object_type, entry.get_action_display(), *row) for row in rows]
        transaction.set_rollback(True)  # the database cache's rows go with the rest
    return {"walks": walks, "audit": audit, "made": made, "probes": probes}


def test_no_page_answers_with_a_server_error_for_any_role(site):
    errors = [
        f"{role}: {v.status} {v.path}  (linked from {v.parent})"
        for role, visits in site["walks"].items()
        for v in visits
        if v.status >= 500
    ]
    assert not errors, "\n".join(errors)


def test_every_url_pattern_answers_each_role_exactly(site):
    """Every URL the site has is in the table, with the one answer each role gets (GET, with the
    crawl's data): a new page that is not listed, or a change of who may open what, fails here."""
    found, expected = site["probes"], url_table.EXPECTED
    assert sorted(set(found) - set(expected)) == [], "\n".join(f"    {n!r}: {found[n]}," for n in found)
    assert sorted(set(expected) - set(found)) == []
    wrong = [f"{n}: {found[n]} (expected {expected[n]})" for n in expected if found[n] != expected[n]]
    assert wrong == [], "roles " + ", ".join(ROLES) + "\n" + "\n".join(wrong)


def test_every_role_walks_a_real_site(site):
    """The walk is no walk if it stops at a login page: each role reads its own pages."""
    counts = {role: sum(1 for v in visits if v.status == 200) for role, visits in site["walks"].items()}
    assert counts["admin"] > counts["union"] > counts["leader"] > counts["worker"] >= 3, counts


def test_every_page_people_open_was_reached(site):
    reached = {_view(v.path) for visits in site["walks"].values() for v in visits if v.status == 200}
    pages = {
        "reports:dashboard",
        "archive:list",
        "archive:detail",
        "archive:edit",
        "archive:honour_add",
        "archive:family_add",
        "archive:hardship_edit",
        "accounts:user_list",
        "accounts:organisation_list",
        "accounts:policy",
        "accounts:audit_log",
        "rosters:index",
        "rosters:detail",
        "rosters:duplicates",
        "benefits:index",
        "benefits:scheme",
        "benefits:batch",
        "benefits:report",
        "benefits:ledger",
        "benefits:person",
        "platform:overview",
        "platform:units",
        "platform:unit",
        "platform:unit_have",
        "platform:inspection",
        "platform:meeting",
        "platform:mentorship",
        "platform:rounds",
        "platform:round",
        "platform:evaluation",
        "platform:cases",
        "platform:plans",
        "platform:plan",
        "platform:achievements",
        "platform:mentoring",
        "api:tokens",
        "care:checkups",
        "care:stays",
        "care:campaign",
        "care:batch",
        "care:rules",
        "care:plans",
        "care:plan",
        "care:visit",
        "care:visit_create",
        "care:needs",
        "care:need",
        "care:year",
        "care:person",
    }
    assert not pages - reached, sorted(pages - reached)


def test_no_link_leads_a_role_to_a_refusal(site):
    """A page shows a person only what they may open: a link they follow is never a 403."""
    refused = [
        f"{role}: {v.path}  (linked from {v.parent})"
        for role, visits in site["walks"].items()
        for v in visits
        if v.status == 403 and v.parent.startswith("/")
    ]
    assert not refused, "\n".join(refused)


def test_no_button_leads_a_role_to_a_refusal(site):
    """A page offers a person only what they may do: a button pressed as the page shows it
    (and undone) may fail on what was entered, never because of who presses it."""
    refused = [
        f"{role}: {action} on {v.path}: {status} {refusal}"
        for role, visits in site["walks"].items()
        for v in visits
        for action, status, refusal in v.presses
        if refusal
    ]
    assert not refused, "\n".join(refused)
    pressed = {action for visits in site["walks"].values() for v in visits for action, _s, _r in v.presses}
    assert len(pressed) > 50, len(pressed)


def test_no_page_shows_a_raw_key(site):
    found = sorted(
        {
            (role, v.path, kind, key, text)
            for role, visits in site["walks"].items()
            for v in visits
            for kind, key, text in raw_keys(v.text)
        }
    )
    assert not found, "\n".join(map(str, found))


def test_every_change_the_paths_wrote_is_labelled_in_words(site):
    """Every change in the audit log, as the log page and its export show it: a label in
    Chinese, and values without raw keys."""
    unlabelled = sorted({(t, action, label) for t, action, label, _b, _a in site["audit"] if not CJK.search(label)})
    assert not unlabelled, "\n".join(map(str, unlabelled))
    raw = sorted({(t, label, key) for t, _a, label, b, a in site["audit"] for _k, key, _t in raw_keys([b, a])})
    assert not raw, "\n".join(map(str, raw))
