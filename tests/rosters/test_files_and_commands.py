import datetime as dt
import io
import json
import time
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import exports
from gongjiang.archive import services as archive_services
from gongjiang.archive.enums import Level
from gongjiang.archive.models import Employer, ModelWorker
from gongjiang.rosters import services
from gongjiang.rosters.models import RosterImport
from tests.factories import ModelWorkerFactory
from tests.rosters.conftest import idn, xlsx


def test_a_zip_bomb_is_refused_quickly_with_a_clear_message(staff_user, union_a):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    started = time.perf_counter()
    with pytest.raises(ValidationError) as e:
        services.upload(actor=staff_user, name="炸弹.xlsx", data=buf.getvalue(), default_union=union_a)
    assert time.perf_counter() - started < 2
    assert "zip 炸弹" in e.value.messages[0]
    assert RosterImport.objects.count() == 0


def test_an_xml_entity_attack_is_refused(staff_user, union_a):
    book = xlsx([["姓名", "身份证号"], ["张三", idn((1965, 3, 1))]])
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + (
                    data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                )
            z.writestr(item, data)
    with pytest.raises(ValidationError) as e:
        services.upload(actor=staff_user, name="实体.xlsx", data=out.getvalue(), default_union=union_a)
    assert "XML 实体" in e.value.messages[0]


def test_a_file_that_is_too_large_or_of_another_kind_is_refused(staff_user, union_a):
    with pytest.raises(ValidationError) as e:
        services.upload(actor=staff_user, name="名册.docx", data=b"PK\x03\x04", default_union=union_a)
    assert list(e.value.message_dict) == ["file"]
    with pytest.raises(ValidationError):
        services.upload(actor=staff_user, name="大.csv", data=b"x" * (50 * 1024 * 1024 + 1), default_union=union_a)


def test_macros_are_never_run_and_the_values_are_read(importer):
    # A macro-enabled workbook is read for its values only (calamine never executes VBA).
    ri = importer.run(
        xlsx([["姓名", "身份证号", "荣誉称号"], ["宏一", idn((1960, 1, 1)), "2001年市劳模"]]), name="带宏.xlsm"
    )
    assert ri.counts["new"] == 1


def test_the_upload_is_kept_with_who_brought_it(importer, staff_user):
    data = xlsx([["姓名", "身份证号", "荣誉称号"], ["留档", idn((1960, 1, 1)), "2001年市劳模"]])
    ri = importer.run(data)
    with ri.file.open("rb") as fh:
        assert fh.read() == data
    assert (ri.created_by, ri.size, ri.original_name) == (staff_user, len(data), "花名册.xlsx")
    steps = list(
        AuditEntry.objects.filter(object_type="rosters.rosterimport")
        .values_list("detail__step", flat=True)
        .order_by("id")
    )
    assert steps == ["upload", "apply"]


# --- Command line -----------------------------------------------------------------------------


def test_import_roster_dry_run_prints_json_and_changes_nothing(tmp_path, union_a, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["姓名", "身份证号", "荣誉称号"],
                ["命一", idn((1960, 1, 1)), "2001年市劳模"],
                ["命二", 3.2e17, "2001年市劳模"],
            ]
        )
    )
    call_command("import_roster", str(path), "--union", union_a.code, "--dry-run", "--json")
    result = json.loads(capsys.readouterr().out)
    assert {k: result[k] for k in ("new", "updated", "unchanged", "rejected", "dry_run")} == {
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "dry_run": True,
    }
    assert result["rejected_rows"][0]["row"] == 3
    assert result["rejected_rows"][0]["problems"][0]["column"] == "身份证号"
    assert ModelWorker.objects.count() == 0


def test_import_roster_applies_and_logs_as_the_command_line(tmp_path, union_a, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx([["姓名", "身份证号", "荣誉称号"], ["命一", idn((1960, 1, 1)), "2001年市劳模"]]))
    call_command("import_roster", str(path), "--union", union_a.code)
    assert "新增 1" in capsys.readouterr().out
    worker = ModelWorker.objects.get(name="命一")
    assert worker.highest_level == Level.MUNICIPAL
    entry = AuditEntry.objects.get(model_worker_id=worker.pk)
    assert (entry.via, entry.actor) == ("command", None)


def test_import_roster_exits_non_zero_when_nothing_could_be_read(tmp_path, union_a):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(SystemExit) as e:
        call_command("import_roster", str(path), "--union", union_a.code, "--json")
    assert e.value.code != 0


# --- Export -----------------------------------------------------------------------------------


def test_export_roster_command_writes_the_union_masked(tmp_path, union_a, union_b):
    ModelWorkerFactory(name="甲", union=union_a, with_level=Level.NATIONAL)
    ModelWorkerFactory(name="乙", union=union_b, with_level=Level.NATIONAL)
    path = tmp_path / "out.xlsx"
    call_command("export_roster", str(path), "--union", union_a.code, stdout=io.StringIO())
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["甲"]
    assert "********" in rows[0][5]
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).via == "command"


def test_the_export_reads_employers_and_honours_in_a_fixed_number_of_queries(tmp_path, union_a):

    def queries(n: int) -> tuple[int, list]:
        for i in range(n):
            employer = Employer.objects.create(name=f"单位{ModelWorker.objects.count()}")
            ModelWorkerFactory(name=f"导出{i}", union=union_a, employer=employer, with_level=Level.MUNICIPAL)
        path = tmp_path / f"{n}.xlsx"
        qs = exports.export_queryset(ModelWorker.objects.all()).order_by("id")
        with CaptureQueriesContext(connection) as ctx:
            exports.write_roster(exports.rows_of(qs), path, unmasked=False)
        sheet = openpyxl.load_workbook(path).active
        return len(ctx.captured_queries), [r[8] for r in sheet.iter_rows(min_row=2, values_only=True)]

    few, employers = queries(2)
    assert employers == ["单位0", "单位1"]
    many, employers = queries(10)
    assert (many, employers) == (few, [f"单位{i}" for i in range(12)])


def test_a_roster_exported_by_the_system_imports_again_with_every_row_unchanged(
    client_for, staff_user, union_a, importer
):

    a = ModelWorkerFactory(
        name="往一",
        union=union_a,
        phone="13800001111",
        position="技师",
        address="中山路1号",
        status="retired",
        retired_on=dt.date(2020, 5, 1),
        birth_date=dt.date(1960, 5, 1),
    )
    archive_services.add_honour(
        actor=staff_user, worker=a, data={"title": "江苏省劳动模范", "kind": "model_worker", "level": 2, "year": 2005}
    )
    h = archive_services.add_honour(
        actor=staff_user,
        worker=a,
        data={"title": "无锡市先进工作者", "kind": "advanced_worker", "level": 3, "year": 1999},
    )
    archive_services.revoke_honour(actor=staff_user, honour=h, revoked_on=dt.date(2010, 1, 1), reason="违纪")
    ModelWorkerFactory(name="返二", union=union_a, with_level=Level.MUNICIPAL)
    for unmasked in ("", "1"):
        response = client_for(staff_user).post("/archive/export/", {"unmasked": unmasked})
        data = b"".join(response.streaming_content)
        ri = importer.preview(data, name="导出.xlsx")
        assert (ri.counts["unchanged"], ri.counts["new"], ri.counts["update"], ri.counts["reject"]) == (2, 0, 0, 0), (
            unmasked,
            ri.message,
        )


def test_the_user_picks_the_export_columns(client_for, staff_user, union_a):
    ModelWorkerFactory(name="列一", union=union_a)
    response = client_for(staff_user).post("/archive/export/", {"columns": ["name", "birth_date", "union"]})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["姓名", "出生日期", "所属工会"]
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).detail["columns"] == ["name", "birth_date", "union"]


def test_the_blank_template_has_drop_down_lists(client_for, staff_user, union_a):
    response = client_for(staff_user).get("/rosters/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["劳模花名册"]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["姓名", "性别", "民族", "出生日期", "身份证号"]
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"
    }
    assert lists["B2"] == "代码表!$A$2:$A$3"  # 性别: 男, 女
    assert set(lists) == {"B2", "C2", "F2", "G2", "K2", "N2", "R2"}
    codes = book["代码表"]
    assert [codes.cell(r, 1).value for r in (2, 3)] == ["男", "女"]
    assert codes.sheet_state == "hidden"


def test_the_template_filled_in_imports(importer, client_for, staff_user, union_a):
    response = client_for(staff_user).get("/rosters/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["劳模花名册"]
    sheet.append(
        [
            "填一",
            "男",
            "汉族",
            dt.date(1966, 6, 6),
            idn((1966, 6, 6)),
            "中共党员",
            "大学本科",
            "单位丙",
            "科长",
            "工程师",
            union_a.name,
            "13812345678",
            "地址",
            "在职",
            None,
            None,
            "劳动模范",
            "市级",
            "2010",
            "无锡市人民政府",
            "锡政发〔2010〕1号",
            "备注",
        ]
    )
    buf = io.BytesIO()
    book.save(buf)
    ri = importer.run(buf.getvalue(), name="模板.xlsx")
    worker = ModelWorker.objects.get(name="填一")
    honour = worker.honours.get()
    assert (ri.counts["new"], worker.education, honour.awarding_body, honour.document_number) == (
        1,
        "20",
        "无锡市人民政府",
        "锡政发〔2010〕1号",
    )
