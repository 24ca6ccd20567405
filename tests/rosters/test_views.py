import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services as archive_services
from gongjiang.archive.models import ModelWorker
from gongjiang.rosters.models import ImportStatus, RosterImport
from tests.factories import ModelWorkerFactory
from tests.rosters.conftest import Importer, idn, xlsx
from tests.rosters.test_real_rosters import one_sheet_per_union

MESSY = [
    ["梁溪区劳模花名册"],
    [],
    ["姓名", "公民号", "荣誉称号", "单位"],
    ["张三", idn((1965, 3, 1)), "2005年省劳模", "单位甲"],
    ["李四", 3.2e17, "2006年市劳模", "单位乙"],
]


@pytest.fixture
def uploaded(client_for, staff_user, union_a, django_capture_on_commit_callbacks):
    client = client_for(staff_user)
    upload = SimpleUploadedFile("名册.xlsx", xlsx(MESSY, merges=("A1:D1",)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rosters/", {"file": upload, "default_union": union_a.pk})
    ri = RosterImport.objects.get()
    assert response["Location"] == f"/rosters/{ri.pk}/"
    return client, ri


def test_upload_reads_in_the_background_and_shows_the_preview(uploaded):
    client, ri = uploaded
    ri.refresh_from_db()
    assert ri.status == ImportStatus.PARSED
    # "公民号" is not a known header: the user maps it.
    assert ri.mapping == ["name", "", "honours", "employer"]
    page = client.get(f"/rosters/{ri.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "表头所在行" in body
    assert ri.counts["reject"] == 2  # without an ID number there is no birth date to tell who they are


def test_correcting_the_mapping_then_confirming_then_the_error_workbook(uploaded, django_capture_on_commit_callbacks):
    client, ri = uploaded
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/rosters/{ri.pk}/remap/",
            {
                "col_0": "name",
                "col_1": "id_number",
                "col_2": "honours",
                "col_3": "employer",
                "header_row": "3",
                "save_as": "",
            },
        )
    ri.refresh_from_db()
    assert (ri.status, ri.counts["new"], ri.counts["reject"]) == (ImportStatus.PARSED, 1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rosters/{ri.pk}/confirm/")
    ri.refresh_from_db()
    assert (ri.status, ri.counts["created_people"]) == (ImportStatus.APPLIED, 1)
    assert ModelWorker.objects.get().name == "张三"
    errors = client.get(f"/rosters/{ri.pk}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert [c.value for c in sheet[2]][:2] == [5, "李四"]
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(ri.pk)).count() == 1
    assert "撤销" in client.get(f"/rosters/{ri.pk}/").content.decode()


def test_another_unions_user_cannot_open_the_import(uploaded, client_for, union_user, auditor_user):
    _client, ri = uploaded
    assert client_for(union_user).get(f"/rosters/{ri.pk}/").status_code == 404
    assert client_for(auditor_user).get("/rosters/").status_code == 403


def test_the_preview_pages_make_a_fixed_number_of_queries(
    client_for, staff_user, union_a, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)

    def preview_queries(n_rows: int) -> int:
        rows = [["姓名", "身份证号", "荣誉称号"]] + [
            [f"人{i}", idn((1960, 1, 1 + i % 28), seq=i), "2001年市劳模"] for i in range(n_rows)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/rosters/", {"file": SimpleUploadedFile("x.xlsx", xlsx(rows)), "default_union": union_a.pk})
        ri = RosterImport.objects.order_by("-id").first()
        client.get(f"/rosters/{ri.pk}/?show=new")
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/rosters/{ri.pk}/?show=new")
        return len(ctx.captured_queries)

    assert preview_queries(2) == preview_queries(60)


def test_duplicates_are_listed_and_merged(client_for, staff_user, union_a):

    keep = ModelWorkerFactory(
        name="重复", union=union_a, birth_date=dt.date(1960, 1, 1), id_number=None, position="技师"
    )
    other = ModelWorkerFactory(name="重复", union=union_a, birth_date=dt.date(1960, 1, 1), phone="13800001111")
    archive_services.add_honour(
        actor=staff_user, worker=other, data={"title": "全国劳模", "kind": "model_worker", "level": 1, "year": 2010}
    )
    client = client_for(staff_user)
    page = client.get("/rosters/duplicates/")
    assert [(a.pk, b.pk) for a, b in page.context["pairs"]] == [(keep.pk, other.pk)]
    client.post("/rosters/duplicates/merge/", {"keep": keep.pk, "other": other.pk})
    keep.refresh_from_db()
    other.refresh_from_db()
    assert (keep.id_number, keep.phone, keep.position, keep.highest_level) == (
        other_id := keep.id_number,
        "13800001111",
        "技师",
        1,
    )
    assert other_id  # the ID number moved to the kept record
    assert (other.is_archived, other.merged_into, other.id_number) == (True, keep, None)
    assert keep.honours.count() == 1
    history = client.get(f"/archive/{keep.pk}/").context["history"]
    assert {e.action for e in history} >= {AuditAction.MERGE, AuditAction.CREATE}
    assert client.get("/rosters/duplicates/").context["pairs"] == []


def masking_roster(union):
    """ID cells that are not a clean 18 characters, and a phone that changes."""
    spaced = idn((1965, 3, 2))
    known = ModelWorkerFactory(name="老号", union=union, phone="13800001111")
    data = xlsx(
        [
            ["姓名", "身份证号", "联系电话", "荣誉称号"],
            ["不全号", "32021319650301123", None, "2001年市劳模"],
            ["短号", "1234", None, "2001年市劳模"],
            ["空格号", f"{spaced[:6]} {spaced[6:14]} {spaced[14:]}", None, "2001年市劳模"],
            ["老号", known.id_number, "13900002222", None],
        ]
    )
    masked = {
        "不全号": "320213*******1123",
        "短号": "****",
        "空格号": f"{spaced[:6]}********{spaced[-4:]}",
        "老号": f"{known.id_number[:6]}********{known.id_number[-4:]}",
    }
    raw = ["32021319650301123", spaced[6:14], known.id_number, "13900002222", "13800001111"]
    return data, masked, raw


def test_the_preview_page_masks_every_id_cell_and_phone_whatever_its_length(client_for, staff_user, union_a):

    data, masked, raw = masking_roster(union_a)
    ri = Importer(staff_user, union_a).preview(data)
    client = client_for(staff_user)
    shown = {}
    bodies = ""
    for show in ("reject", "new", "update"):
        page = client.get(f"/rosters/{ri.pk}/?show={show}")
        bodies += page.content.decode()
        shown.update({row.name: row.id_masked for row in page.context["page"].items})
    assert shown == masked
    assert "联系电话：138****1111 → 139****2222" in bodies
    assert [value for value in raw if value in bodies] == []


def test_the_preview_page_and_the_api_say_which_sheet_each_row_came_from(staff_user, union_a, union_b, client_for):
    ri = Importer(staff_user, union_a).preview(one_sheet_per_union())
    client = client_for(staff_user)  # the API takes the signed-in session too
    body = client.get(f"/rosters/{ri.pk}/?show=new").content.decode()
    assert '<td class="sheet">卫健工会</td><td class="mono">5</td>' in body
    assert "隐藏，未读取" in body
    assert "未找到表头，未读取" in body
    rows = client.get(f"/api/v1/rosters/{ri.pk}/rows?action=new").json()["items"]
    assert [(r["sheet"], r["row_number"], r["name"]) for r in rows] == [
        ("教育工会", 3, "教甲"),
        ("教育工会", 4, "教乙"),
        ("卫健工会", 3, "卫甲"),
        ("卫健工会", 4, "卫乙"),
        ("卫健工会", 5, "卫丙"),
        ("补充名单", 2, "补甲"),
    ]
    sheets = client.get(f"/api/v1/rosters/{ri.pk}").json()["sheets"]
    assert [(s["name"], s["state"], s["rows"], s["union_id"]) for s in sheets] == [
        ("填表说明", "no_header", None, None),
        ("教育工会", "read", 2, union_a.pk),
        ("卫健工会", "read", 3, union_b.pk),
        ("补充名单", "read", 1, None),
        ("一张隐藏的工作表", "hidden", None, None),
    ]
