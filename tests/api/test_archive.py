"""The API's contract for accounts, organisations, the archive, rosters, statistics and jobs:
anonymous → 401, wrong role or another organisation → 403/404, the right role → the exact
result; errors in one shape; tokens, limits and the audit trail."""

import datetime as dt
import inspect
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja import Schema

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.api import services as token_services
from gongjiang.api.archive import schemas as archive
from gongjiang.api.benefits import schemas as benefits
from gongjiang.api.models import ApiToken
from gongjiang.api.platform import running_schemas as platform_running
from gongjiang.api.platform import schemas as platform
from gongjiang.api.rosters import schemas as rosters
from gongjiang.api.stats import schemas as stats
from gongjiang.archive.enums import Level
from gongjiang.archive.models import ModelWorker
from gongjiang.core.models import Job
from gongjiang.rosters.models import RosterImport
from tests.api.conftest import ApiClient, token_for
from tests.factories import ModelWorkerFactory, OrganisationFactory
from tests.rosters.conftest import Importer
from tests.rosters.test_views import masking_roster


@pytest.fixture
def people(union_a, union_b):
    return {
        "a": ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL, name="张国强", phone="13812345678"),
        "b": ModelWorkerFactory(union=union_b, with_level=Level.MUNICIPAL, name="李市民"),
    }


ANONYMOUS_GETS = [
    "/me",
    "/tokens",
    "/organisations",
    "/model-workers",
    "/model-workers/1",
    "/rosters",
    "/rosters/1",
    "/stats/dashboard",
    "/stats/platform",
    "/jobs/00000000-0000-0000-0000-000000000000",
]


@pytest.mark.parametrize("path", ANONYMOUS_GETS)
def test_anonymous_requests_get_401_in_the_one_error_shape(api_for, path):
    response = api_for(None).get(path)
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "请先登录，或提供有效的 API 令牌：Authorization: Bearer …",
    }


def test_a_revoked_or_expired_token_is_refused(client, staff_user):
    token, text = token_services.create_token(actor=staff_user, name="旧系统")
    api = ApiClient(client, text)
    assert api.get("/me").status_code == 200
    token_services.revoke_token(actor=staff_user, token=token)
    assert api.get("/me").status_code == 401
    token, text = token_services.create_token(
        actor=staff_user, name="临时", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert ApiClient(client, text).get("/me").status_code == 401


def test_tokens_are_stored_hashed_and_use_is_recorded(client, staff_user):
    token, text = token_services.create_token(actor=staff_user, name="统计报送")
    assert text.startswith(f"gj_{token.prefix}_")
    assert text not in token.key_hash
    assert len(token.key_hash) == 64
    ApiClient(client, text).get("/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"


def test_me_lists_the_users_permissions(api_for, union_user):
    body = api_for(union_user).get("/me").json()
    assert (body["role"], body["organisation_id"]) == (Role.UNION_STAFF, union_user.organisation_id)
    assert body["permissions"] == sorted(
        [
            "apply_units",
            "edit_records",
            "export",
            "keep_units",
            "reveal_sensitive",
            "use_api",
            "view_dashboard",
            "view_platform",
        ]
    )


def test_a_union_sees_its_own_organisation_and_people_only(api_for, union_user, union_a, union_b, people):
    api = api_for(union_user)
    assert [o["id"] for o in api.get("/organisations").json()] == [union_a.pk]
    assert api.get(f"/organisations/{union_b.pk}").status_code == 404
    listed = api.get("/model-workers").json()
    assert ([p["name"] for p in listed["items"]], listed["count"]) == (["张国强"], 1)
    response = api.get(f"/model-workers/{people['b'].pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_list_searches_by_pinyin_initials_and_filters_by_level(api_for, staff_user, people):
    api = api_for(staff_user)
    assert [p["name"] for p in api.get("/model-workers?q=zgq").json()["items"]] == ["张国强"]
    assert [p["name"] for p in api.get("/model-workers?level=3").json()["items"]] == ["李市民"]
    body = api.get("/model-workers?level=municipal_and_above&limit=1").json()
    assert (len(body["items"]), body["count"]) == (1, 2)
    second = api.get(f"/model-workers?level=municipal_and_above&limit=1&cursor={body['next']}").json()
    assert {body["items"][0]["name"], second["items"][0]["name"]} == {"张国强", "李市民"}
    assert second["next"] is None


def test_personal_data_is_masked_and_a_reveal_is_audited(api_for, staff_user, auditor_user, people):
    worker = people["a"]
    api = api_for(staff_user)
    detail = api.get(f"/model-workers/{worker.pk}").json()
    assert detail["phone"] == "138****5678"
    assert detail["id_number"] == f"{worker.id_number[:6]}********{worker.id_number[-4:]}"
    response = api.post(f"/model-workers/{worker.pk}/reveal", {"field": "id_number"})
    assert response.json() == {"field": "id_number", "value": worker.id_number}
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.actor, entry.via, entry.detail["field"]) == (staff_user, "api", "id_number")
    assert entry.detail["token"] == ApiToken.objects.get(user=staff_user).pk
    # The auditor reads records masked and may not reveal.
    assert api_for(auditor_user).post(f"/model-workers/{worker.pk}/reveal", {"field": "phone"}).status_code == 403


def test_create_validates_in_chinese_and_changes_nothing(api_for, staff_user, union_a):
    response = api_for(staff_user).post(
        "/model-workers", {"name": "王五", "union": union_a.pk, "id_number": "320102199001011234"}
    )
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid"
    assert "id_number" in body["fields"]
    assert ModelWorker.objects.count() == 0


def test_create_update_and_archive_through_the_api(api_for, staff_user, union_a):
    api = api_for(staff_user)
    response = api.post(
        "/model-workers",
        {
            "name": "赵六",
            "sex": "F",
            "birth_date": "1968-03-08",
            "union": union_a.pk,
            "employer": "梁溪区实验小学",
            "status": "working",
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["name"], created["employer"], created["version"], created["front_line"]) == (
        "赵六",
        "梁溪区实验小学",
        1,
        False,
    )
    response = api.patch(f"/model-workers/{created['id']}", {"version": 1, "position": "教研组长", "front_line": True})
    changed = response.json()
    assert (response.status_code, changed["position"], changed["front_line"], changed["version"]) == (
        200,
        "教研组长",
        True,
        2,
    )
    stale = api.patch(f"/model-workers/{created['id']}", {"version": 1, "position": "校长"})
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    response = api.post(
        f"/model-workers/{created['id']}/honours", {"title": "江苏省劳动模范", "level": 2, "year": 2015}
    )
    assert (response.status_code, response.json()["level"]) == (201, 2)
    assert api.get(f"/model-workers/{created['id']}").json()["highest_level"] == 2
    archived = api.post(f"/model-workers/{created['id']}/archive", {"reason": "重复建档"}).json()
    assert archived["archived"] is True
    assert ModelWorker.objects.filter(pk=created["id"]).exists()  # archived, never deleted


def test_a_union_cannot_create_in_another_union(api_for, union_user, union_b):
    response = api_for(union_user).post(
        "/model-workers", {"name": "越权", "sex": "M", "birth_date": "1970-01-01", "union": union_b.pk}
    )
    assert (response.status_code, list(response.json()["fields"])) == (422, ["union"])


def test_a_model_worker_reads_only_their_own_record_and_cannot_write(api_for, worker_user, people):
    api = api_for(worker_user)
    assert [p["id"] for p in api.get("/model-workers").json()["items"]] == [worker_user.model_worker_id]
    assert api.get(f"/model-workers/{people['a'].pk}").status_code == 404
    assert api.patch(f"/model-workers/{worker_user.model_worker_id}", {"position": "x"}).status_code == 403


def test_the_export_is_masked_by_default_and_audited(api_for, staff_user, union_user, people):
    response = api_for(union_user).post("/model-workers/export", {})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    names = [r[1] for r in rows[1:]]
    assert names == ["张国强"]
    assert "********" in str(rows[1])
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=union_user).count() == 1
    # Unmasked needs the permission.
    refused = api_for(union_user).post("/model-workers/export", {"unmasked": True})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


def test_errors_have_one_shape_for_bad_json_and_bad_values(api_for, staff_user):
    api = api_for(staff_user)
    bad = api.client.post(
        "/api/v1/model-workers", data="{not json", content_type="application/json", headers=api.headers
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_request")
    wrong = api.post("/model-workers", {"name": "x", "union": "not a number"})
    assert (wrong.status_code, wrong.json()["code"], list(wrong.json()["fields"])) == (422, "invalid", ["union"])


def test_a_request_too_large_gets_413(api_for, staff_user, settings):
    settings.GONGJIANG = {**settings.GONGJIANG, "API_MAX_BODY": 100}
    response = api_for(staff_user).post("/model-workers", {"name": "很长" * 100, "union": 1})
    assert (response.status_code, response.json()["code"]) == (413, "too_large")


def test_requests_are_limited_per_token(api_for, staff_user, settings):
    cache.clear()
    settings.GONGJIANG = {**settings.GONGJIANG, "API_RATE": "3/m"}
    api = api_for(staff_user)
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/me")
    assert (response.status_code, response.json()["code"]) == (429, "throttled")
    assert api_for(staff_user).get("/me").status_code == 200  # another token has its own allowance
    cache.clear()


def test_the_dashboard_states_the_articles_sentence(api_for, staff_user, people):
    body = api_for(staff_user).get("/stats/dashboard").json()
    assert body["sentence"] == "市以上劳模 2 人（其中：全国劳模 1 人；省（部）级劳模 0 人；市级劳模 1 人）"
    assert body["by_level"] == {"national": 1, "provincial": 0, "municipal": 1, "district": 0}


def test_the_dashboard_is_scoped_and_closed_to_model_workers(api_for, union_user, worker_user, people):
    body = api_for(union_user).get("/stats/dashboard").json()
    # union A holds 张国强 and the model worker's own record; union B's 李市民 is not counted.
    assert (body["total"], [r["union_id"] for r in body["by_union"]]) == (2, [union_user.organisation_id])
    assert api_for(worker_user).get("/stats/dashboard").status_code == 403


def _roster() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "出生日期", "荣誉称号"])
    book.active.append(["钱七", "男", "1966-05-01", "2010年市劳模"])
    book.active.append(["", "", "", ""])
    book.active.append(["孙八", "女", "不是日期", "2012年市劳模"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_a_roster_is_uploaded_previewed_confirmed_and_undone_through_the_api(
    client, staff_user, union_a, django_capture_on_commit_callbacks
):
    api = ApiClient(client, token_for(staff_user))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/rosters",
            {"file": SimpleUploadedFile("名册.xlsx", _roster()), "default_union": union_a.pk},
            headers=api.headers,
        )
    assert response.status_code == 201
    # The file is read in the background: the answer names the job to follow.
    assert (response.json()["status"], response.json()["job"]["kind"]) == ("uploaded", "roster_parse")
    body = api.get(f"/rosters/{response.json()['id']}").json()
    assert (body["status"], body["counts"]["new"], body["counts"]["reject"]) == ("parsed", 1, 1)
    assert (body["job"]["status"], body["job"]["percent"]) == ("done", 100)
    rejected = api.get(f"/rosters/{body['id']}/rows?action=reject").json()["items"]
    assert (rejected[0]["row_number"], rejected[0]["name"]) == (4, "孙八")
    errors = api.get(f"/rosters/{body['id']}/errors")
    assert errors.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/rosters/{body['id']}/confirm", {}).status_code == 200
    assert api.get(f"/rosters/{body['id']}").json()["status"] == "applied"
    assert ModelWorker.objects.filter(name="钱七", highest_level=Level.MUNICIPAL).count() == 1
    undone = api.post(f"/rosters/{body['id']}/undo").json()
    assert undone["status"] == "undone"
    assert ModelWorker.objects.get(name="钱七").archived_at is not None


def test_imports_are_the_importers_own(api_for, staff_user, union_user, auditor_user):
    ri = RosterImport.objects.create(created_by=staff_user, original_name="x.xlsx", file="x.xlsx")
    assert api_for(union_user).get(f"/rosters/{ri.pk}").status_code == 404
    assert api_for(auditor_user).get("/rosters").status_code == 403


def test_the_openapi_document_and_the_docs_page_are_served_locally(client, staff_user):
    client.force_login(staff_user)
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "工匠 Gongjiang API"
    assert "/api/v1/model-workers" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_the_api_description_needs_a_login_or_a_token(client, staff_user):
    refused = client.get("/api/v1/openapi.json")
    assert (refused.status_code, refused.json()["code"]) == (401, "unauthenticated")
    docs = client.get("/api/v1/docs")
    assert (docs.status_code, docs["Location"]) == (302, "/accounts/login/?next=/api/v1/docs")
    assert ApiClient(client, "gj_deadbeef_nothing").get("/openapi.json").status_code == 401
    with_token = ApiClient(client, token_services.create_token(actor=staff_user, name="文档")[1])
    assert with_token.get("/openapi.json").json()["info"]["title"] == "工匠 Gongjiang API"


def test_the_token_page_shows_a_new_token_once_and_revokes(client, staff_user):
    client.force_login(staff_user)
    page = client.post("/accounts/tokens/", {"name": "市总工会统计"}).content.decode()
    token = ApiToken.objects.get()
    assert f"gj_{token.prefix}_" in page
    again = client.get("/accounts/tokens/").content.decode()
    assert f"gj_{token.prefix}_…" in again
    assert token.key_hash not in again
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(object_type="api.apitoken").count() == 2


@override_settings(GONGJIANG={**__import__("django.conf").conf.settings.GONGJIANG})
def test_someone_elses_job_is_not_found(api_for, staff_user, admin_user):

    job = Job.objects.create(kind="export_roster", title="导出", created_by=admin_user)
    assert api_for(staff_user).get(f"/jobs/{job.pk}").status_code == 404
    assert api_for(admin_user).get(f"/jobs/{job.pk}").json()["status"] == "queued"


def test_a_session_that_must_change_its_password_gets_json_not_a_redirect(client, staff_user):
    staff_user.must_change_password = True
    staff_user.save()
    client.force_login(staff_user)
    response = client.get("/api/v1/me")
    assert (response.status_code, response.json()) == (
        403,
        {"code": "forbidden", "message": "请先设置新密码，再继续操作。"},
    )


def test_an_unknown_api_path_answers_in_the_api_shape(api_for, staff_user):
    response = api_for(staff_user).post("/model-workers/not-a-number/archive", {"reason": "x"})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_every_schema_name_is_unique_across_routers():
    """django-ninja files schemas by class name: two classes of one name would share a schema."""

    seen: dict[str, str] = {}
    clashes = []
    for module in (archive, benefits, platform, platform_running, rosters, stats):
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module.__name__:
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen.setdefault(name, module.__name__)
    assert clashes == []


def test_the_nul_character_is_refused_in_bodies_and_addresses(api_for, staff_user, union_a, client):
    api = api_for(staff_user)
    body = api.post("/model-workers", {"name": "王\x00五", "union": union_a.pk})
    assert (body.status_code, body.json()["message"]) == (422, "文本中不能含有 NUL 字符（\\u0000）。")
    query = api.get("/model-workers?q=%00")
    assert (query.status_code, query.json()["code"]) == (400, "bad_request")
    client.force_login(staff_user)
    assert client.get("/archive/?q=%00").status_code == 400


def test_a_user_lists_and_revokes_their_own_tokens_only(client, staff_user, union_user):
    _mine, text = token_services.create_token(actor=staff_user, name="统计报送")
    leaked, _text = token_services.create_token(actor=staff_user, name="旧脚本")
    theirs, _other = token_services.create_token(actor=union_user, name="工会")
    api = ApiClient(client, text)
    listed = api.get("/tokens").json()
    assert [(t["name"], t["current"], t["active"]) for t in listed] == [
        ("旧脚本", False, True),
        ("统计报送", True, True),
    ]
    assert all("key_hash" not in t for t in listed)
    assert api.post(f"/tokens/{theirs.pk}/revoke").status_code == 404
    revoked = api.post(f"/tokens/{leaked.pk}/revoke").json()
    assert (revoked["active"], revoked["revoked_at"] is not None) == (False, True)
    assert AuditEntry.objects.filter(object_type="api.apitoken", object_id=str(leaked.pk)).exists()


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.FEDERATION_ADMIN, True),
        (Role.FEDERATION_STAFF, True),
        (Role.UNION_STAFF, True),
        (Role.AUDITOR, True),
        (Role.STUDIO_LEADER, False),
        (Role.MODEL_WORKER, False),
    ],
)
def test_the_token_page_is_offered_only_to_roles_that_connect_systems(client, make_user, policy, role, offered):
    user = make_user(role)
    client.force_login(user)
    page = client.get("/accounts/password/").content.decode()
    assert ('href="/accounts/tokens/"' in page) is offered
    assert client.get("/accounts/tokens/").status_code == (200 if offered else 403)
    client.post("/accounts/tokens/", {"name": "小程序"})
    assert ApiToken.objects.filter(user=user).exists() is offered


def test_the_list_and_a_record_make_as_many_queries_for_one_person_as_for_twelve(api_for, staff_user, union_a):

    api = api_for(staff_user)
    api.get("/me")  # the token's first use is recorded (an UPDATE); later ones within a minute are not

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(path).status_code == 200
        return len(ctx.captured_queries)

    first = ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL)
    one = (count("/model-workers"), count(f"/model-workers/{first.pk}"))
    for _ in range(11):
        ModelWorkerFactory(union=union_a, with_level=Level.PROVINCIAL)
    assert (count("/model-workers"), count(f"/model-workers/{first.pk}")) == one


def test_the_roster_preview_masks_every_id_cell_and_phone_as_the_page_does(api_for, staff_user, union_a):

    data, masked, raw = masking_roster(union_a)
    ri = Importer(staff_user, union_a).preview(data)
    items = api_for(staff_user).get(f"/rosters/{ri.pk}/rows").json()["items"]
    assert {r["name"]: r["id_number"] for r in items} == masked
    assert [r["changes"] for r in items if r["name"] == "老号"] == [{"phone": ["138****1111", "139****2222"]}]
    assert [value for value in raw if value in str(items)] == []


def test_a_roster_goes_only_into_an_active_grassroots_union(client, staff_user, federation, union_a):

    closed = OrganisationFactory(name="已撤并工会", code="LX-009", parent=federation, is_active=False)
    api = ApiClient(client, token_for(staff_user))
    for union in (federation, closed):
        response = client.post(
            "/api/v1/rosters",
            {"file": SimpleUploadedFile("名册.xlsx", _roster()), "default_union": union.pk},
            headers=api.headers,
        )
        assert response.status_code == 404
    assert RosterImport.objects.count() == 0


def test_a_patch_that_sends_back_the_masked_id_number_and_phone_changes_neither(api_for, union_user, union_a):
    """Issue 10, item 3: the API shows the ID number and phone masked; a client that sends the
    record back as it read it changes nothing, and a change is a full new value."""
    worker = ModelWorkerFactory(union=union_a, phone="13812345678")
    api = api_for(union_user)
    read = api.get(f"/model-workers/{worker.pk}").json()
    assert (read["id_number"], read["phone"]) == (
        worker.id_number[:6] + "********" + worker.id_number[-4:],
        "138****5678",
    )
    same = api.patch(f"/model-workers/{worker.pk}", {"id_number": read["id_number"], "phone": read["phone"]})
    assert same.status_code == 200
    worker.refresh_from_db()
    assert (worker.phone, worker.version) == ("13812345678", 1)
    assert not AuditEntry.objects.filter(action="update", model_worker_id=worker.pk).exists()
    changed = api.patch(f"/model-workers/{worker.pk}", {"phone": "13900001111"})
    assert (changed.status_code, changed.json()["phone"]) == (200, "139****1111")
