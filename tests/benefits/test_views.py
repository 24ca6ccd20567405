"""The treatment pages end to end through Django's test client: files, messages, scope, queries."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gongjiang.accounts.audit_display import detail_text
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Level
from gongjiang.benefits import services
from gongjiang.benefits.enums import BatchState, LineState
from gongjiang.benefits.models import Batch, LedgerEntry
from tests.benefits.conftest import retiree

NOV = dt.date(2026, 11, 1)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def sheets(data: bytes) -> dict[str, list[list]]:
    """Read a workbook back with a second library (calamine), as the staff's WPS would see it."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def approver(make_user):
    return make_user(Role.FEDERATION_STAFF, username="shenpi")


@pytest.fixture
def approved(scheme, people, staff_user, approver):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    return services.approve_batch(actor=approver, batch=batch)


def lines_by_name(batch):
    return {line.model_worker.name: line for line in batch.lines.select_related("model_worker")}


def test_the_bank_file_is_unmasked_for_staff_masked_for_the_auditor_and_every_download_is_audited(
    client, approved, staff_user, auditor_user
):
    lines = lines_by_name(approved)
    client.force_login(staff_user)
    response = client.get(reverse("benefits:bank_file", args=[approved.pk, "xlsx"]))
    assert response.status_code == 200
    rows = sheets(body(response))["代发明细"]
    assert rows[0] == ["行号", "姓名", "账号", "开户行", "金额", "用途", "期间"]
    assert sorted(rows[1:]) == sorted(
        [
            [
                float(lines["国一"].pk),
                "国一",
                lines["国一"].account_number,
                "工商银行无锡分行",
                300.0,
                "劳模荣誉津贴",
                "2026年11月",
            ],
            [
                float(lines["省二"].pk),
                "省二",
                lines["省二"].account_number,
                "工商银行无锡分行",
                200.0,
                "劳模荣誉津贴",
                "2026年11月",
            ],
        ]
    )
    client.force_login(auditor_user)
    response = client.get(reverse("benefits:bank_file", args=[approved.pk, "csv"]))
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed[0] == ["行号", "姓名", "账号", "开户行", "金额", "用途", "期间"]
    masked = {row[1]: row[2] for row in parsed[1:]}
    assert masked == {
        "国一": "*" * 15 + lines["国一"].account_number[-4:],
        "省二": "*" * 15 + lines["省二"].account_number[-4:],
    }
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="benefits.batch").order_by("id")
    assert [(e.actor.username, e.detail["file"], e.detail["rows"], e.detail["unmasked"]) for e in exports] == [
        (staff_user.username, "bank.xlsx", 2, True),
        (auditor_user.username, "bank.csv", 2, False),
    ]


def test_the_bank_file_waits_for_approval(client, scheme, people, staff_user):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    client.force_login(staff_user)
    response = client.get(reverse("benefits:bank_file", args=[batch.pk, "xlsx"]), follow=True)
    assert "批次审批通过后才能下载银行代发文件。" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def return_file(
    rows: list[list], header=("行号", "户名", "交易金额", "处理结果", "交易日期", "交易流水号", "失败原因")
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["银行代发结果"])  # banks put a title above the header
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "回盘.xlsx"
    return data


def test_the_banks_return_file_records_payments_and_a_failure(client, approved, staff_user):
    lines = lines_by_name(approved)
    upload = return_file(
        [
            [lines["国一"].pk, "国一", 300, "成功", "2026-11-10", "BK20261110001", None],
            [lines["省二"].pk, "省二", 200, "失败", None, None, "账户已冻结"],
        ]
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("benefits:batch_action", args=[approved.pk, "results"]), {"file": upload}, follow=True
    )
    assert "根据银行回盘文件：成功 1 笔，失败 1 笔。" in response.content.decode()
    approved.refresh_from_db()
    assert approved.state == BatchState.PARTLY_FAILED
    entry = LedgerEntry.objects.get()
    assert (entry.model_worker.name, entry.amount, entry.paid_on, entry.reference) == (
        "国一",
        Decimal("300.00"),
        dt.date(2026, 11, 10),
        "BK20261110001",
    )
    failed = approved.lines.get(state=LineState.FAILED)
    assert (failed.model_worker.name, failed.failure_reason) == ("省二", "账户已冻结")


def test_a_return_file_with_an_unknown_line_changes_nothing(client, approved, staff_user):
    lines = lines_by_name(approved)
    upload = return_file(
        [
            [lines["国一"].pk, "国一", 300, "成功", "2026-11-10", "BK1", None],
            [999999, "谁", 100, "成功", "2026-11-10", "BK2", None],
        ]
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("benefits:batch_action", args=[approved.pk, "results"]), {"file": upload}, follow=True
    )
    assert "第 4 行：本批次中没有与之对应的明细。" in response.content.decode()
    assert LedgerEntry.objects.count() == 0
    assert approved.lines.filter(state=LineState.PENDING).count() == 2


def test_a_return_file_without_a_result_column_is_explained(client, approved, staff_user):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    book.active.append(["国一", 300])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "x.xlsx"
    client.force_login(staff_user)
    response = client.post(reverse("benefits:batch_action", args=[approved.pk, "results"]), {"file": data}, follow=True)
    assert "文件须有“结果”列，以及“行号”或“账号”列。" in response.content.decode()


def test_the_preparer_is_not_offered_the_approve_button_another_approver_is(
    client, scheme, people, staff_user, approver
):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    client.force_login(staff_user)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'id="approve-batch"' not in page
    assert "此批次由您制作，须由其他同事审批。" in page
    client.force_login(approver)
    assert 'id="approve-batch"' in client.get(batch.get_absolute_url()).content.decode()


def test_once_every_line_has_its_result_the_bank_file_is_no_longer_offered(client, approved, staff_user):
    client.force_login(staff_user)
    assert 'id="bank-xlsx"' in client.get(approved.get_absolute_url()).content.decode()
    services.pay_all(actor=staff_user, batch=approved, paid_on=dt.date(2026, 11, 10), reference="BK")
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "bank.xlsx" not in page
    assert "bank.csv" not in page
    response = client.get(reverse("benefits:bank_file", args=[approved.pk, "xlsx"]), follow=True)
    assert "本批次各行均已有发放结果，没有需要报送银行的明细。" in response.content.decode()
    api = client.get(f"/api/v1/batches/{approved.pk}/bank-file?format=xlsx")
    assert (api.status_code, api.json()["code"]) == (409, "conflict")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="benefits.batch").exists()


def test_approving_ones_own_batch_through_the_page_is_refused(client, scheme, people, staff_user):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    client.force_login(staff_user)
    client.post(reverse("benefits:batch_action", args=[batch.pk, "submit"]))
    response = client.post(reverse("benefits:batch_action", args=[batch.pk, "approve"]), follow=True)
    assert "此批次由您制作，须由他人审批。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED


def test_the_report_page_and_its_export_and_the_arrears_button(client, scheme, people, staff_user, approved):
    services.pay_all(actor=staff_user, batch=approved, paid_on=dt.date(2026, 11, 10), reference="BK")
    client.force_login(staff_user)
    query = {"scheme": scheme.pk, "first": "2026-10-01", "last": "2026-11-01"}
    page = client.get(reverse("benefits:report"), query).content.decode()
    # October: nobody paid (国一 300, 省二 200, 无卡 80); November paid but for 无卡, who has no account.
    assert "劳模荣誉津贴：应发或已发共 6 人次·期；未按时足额 4 人次·期；欠发 ¥660.00。" in page
    export = client.get(reverse("benefits:report_export"), query)
    book = sheets(body(export))
    assert list(book) == ["汇总", "未按时足额"]
    assert book["汇总"][1] == ["未发", 4.0, 660.0, 0.0, 660.0, 0.0]
    assert book["汇总"][6] == ["按时足额", 2.0, 500.0, 500.0, 0.0, 0.0]
    assert book["汇总"][7] == ["合计", 6.0, 1160.0, 500.0, 660.0, 0.0]
    assert sorted((r[1], r[2], r[8], r[9]) for r in book["未按时足额"][1:]) == [
        ("国一", "2026年10月", "未发", 300.0),
        ("无卡", "2026年10月", "未发", 80.0),
        ("无卡", "2026年11月", "未发", 80.0),
        ("省二", "2026年10月", "未发", 200.0),
    ]
    everything = sheets(body(client.get(reverse("benefits:report_export"), {**query, "all": "1"})))
    assert len(everything["全部明细"]) == 1 + 6
    response = client.post(reverse("benefits:arrears"), query, follow=True)
    assert "已生成补发批次，共 2 行明细。" in response.content.decode()
    arrears = Batch.objects.get(kind="arrears")
    assert sorted((line.period, line.amount) for line in arrears.lines.all()) == [
        (dt.date(2026, 10, 1), Decimal("200.00")),
        (dt.date(2026, 10, 1), Decimal("300.00")),
    ]
    # 无卡 is owed two months but has no account: listed as left out, still owed.
    assert [(x.model_worker.name, x.words) for x in arrears.left_out.all()] == [("无卡", "无银行账户")]


def test_the_report_counts_problems_and_shows_lines_being_paid_apart(client, scheme, people, staff_user, approved):
    """November's lines of 国一 and 省二 are in an approved batch not yet paid: being paid, not
    late nor missing. The headline counts October (nobody paid) and 无卡's November (no account)."""
    client.force_login(staff_user)
    query = {"scheme": scheme.pk, "first": "2026-10-01", "last": "2026-11-01"}
    page = client.get(reverse("benefits:report"), query)
    text = page.content.decode()
    assert "劳模荣誉津贴：应发或已发共 6 人次·期；未按时足额 4 人次·期；欠发 ¥660.00。" in text
    assert "另有 2 人次·期正在发放" in text
    assert sorted((r.name, r.period.month, r.status) for r in page.context["rows"]) == [
        ("国一", 10, "missing"),
        ("无卡", 10, "missing"),
        ("无卡", 11, "missing"),
        ("省二", 10, "missing"),
    ]
    apart = client.get(reverse("benefits:report"), {**query, "show": "being_paid"}).context["rows"]
    assert sorted((r.name, r.period.month, r.status) for r in apart) == [
        ("国一", 11, "in_progress"),
        ("省二", 11, "in_progress"),
    ]
    problems = sheets(body(client.get(reverse("benefits:report_export"), query)))["未按时足额"]
    assert len(problems) == 1 + 4
    export = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="benefits.scheme")
    assert detail_text(export) == "4 行；筛选条件：2026年10月 至 2026年11月，仅问题"
    api = client.get(f"/api/v1/schemes/{scheme.pk}/report", {"first": "2026-10-01", "last": "2026-11-01"}).json()
    assert (api["problems"], api["being_paid"], api["owed"]) == (4, 2, "660.00")


def test_the_totals_chart_is_an_svg_with_the_figures(client, scheme, people, staff_user, approved):
    services.pay_all(actor=staff_user, batch=approved, paid_on=dt.date(2026, 11, 10), reference="BK")
    client.force_login(staff_user)
    query = {"scheme": scheme.pk, "first": "2026-11-01", "last": "2026-11-01"}
    page = client.get(reverse("benefits:totals"), query).content.decode()
    assert "¥500.00" in page
    chart = client.get(reverse("benefits:totals_chart"), query)
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
    rows = sheets(body(client.get(reverse("benefits:totals_export"), query)))
    first = next(iter(rows.values()))
    assert first[1][:3] == ["2026年11月", 300.0, 200.0]


def test_union_staff_see_the_treatment_of_their_own_people_only(client, people, union_user, union_b, staff_user):
    elsewhere = retiree(union_b, level=Level.NATIONAL, actor=staff_user, name="外会")
    client.force_login(union_user)
    assert client.get(reverse("benefits:person", args=[people["national"].pk])).status_code == 200
    assert client.get(reverse("benefits:person", args=[elsewhere.pk])).status_code == 404
    account = elsewhere.accounts.get()
    assert client.post(reverse("benefits:reveal_account", args=[account.pk])).status_code == 404
    assert client.get(reverse("benefits:batch", args=[1])).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_make_the_same_number_of_queries_whatever_the_size(client, scheme, staff_user, union_a, approver):
    client.force_login(staff_user)
    client.get(reverse("benefits:index"))  # the first request of a process loads the settings once
    counts = []
    for n in (2, 12):
        people = [retiree(union_a, level=Level.NATIONAL, actor=staff_user) for _ in range(n - len(counts) * 2)]
        batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 9 + len(counts), 1))
        services.submit_batch(actor=staff_user, batch=batch)
        services.approve_batch(actor=approver, batch=batch)
        services.pay_all(actor=staff_user, batch=batch, paid_on=dt.date(2026, 10, 10), reference="BK")
        report = f"{reverse('benefits:report')}?scheme={scheme.pk}&first=2026-01-01&last=2026-12-01"
        counts.append(
            {
                "index": _queries(client, reverse("benefits:index")),
                "batch": _queries(client, reverse("benefits:batch", args=[batch.pk])),
                "ledger": _queries(client, reverse("benefits:ledger")),
                "report": _queries(client, report),
                "person": _queries(client, reverse("benefits:person", args=[people[0].pk])),
            }
        )
    assert counts[0] == counts[1]


def _return_by_account(rows):
    return return_file(rows, header=("账号", "户名", "金额", "处理结果", "交易日期"))


def test_a_return_file_matched_by_account_reads_amounts_as_banks_write_them(client, approved, staff_user):
    lines = lines_by_name(approved)
    client.force_login(staff_user)
    url = reverse("benefits:batch_action", args=[approved.pk, "results"])
    bad = _return_by_account([[lines["国一"].account_number, "国一", "三百", "成功", "2026-11-10"]])
    response = client.post(url, {"file": bad}, follow=True)
    assert "第 3 行：“三百”不是有效的金额（元）。" in response.content.decode()
    assert LedgerEntry.objects.count() == 0
    good = _return_by_account(
        [
            [lines["国一"].account_number, "国一", "¥300.00", "成功", "2026-11-10"],
            [lines["省二"].account_number, "省二", "2,00.00元", "成功", "2026-11-10"],
        ]
    )
    response = client.post(url, {"file": good}, follow=True)
    assert "根据银行回盘文件：成功 2 笔，失败 0 笔。" in response.content.decode()
    assert sorted(LedgerEntry.objects.values_list("amount", flat=True)) == [Decimal("200.00"), Decimal("300.00")]


def test_one_line_recorded_by_hand_keeps_the_banks_reference_or_the_reason(client, approved, staff_user):
    lines = lines_by_name(approved)
    client.force_login(staff_user)
    url = reverse("benefits:batch_action", args=[approved.pk, "line"])
    paid = {"line": lines["国一"].pk, "result": "paid", "paid_on": "2026-11-10", "note": "BK20261110009"}
    failed = {"line": lines["省二"].pk, "result": "failed", "note": "账户已销户"}
    client.post(url, paid)
    client.post(url, failed)
    entry = LedgerEntry.objects.get()
    assert (entry.model_worker.name, entry.paid_on, entry.reference) == ("国一", dt.date(2026, 11, 10), "BK20261110009")
    line = approved.lines.get(pk=lines["省二"].pk)
    assert (line.state, line.failure_reason) == (LineState.FAILED, "账户已销户")
    bad = client.post(url, {"line": lines["国一"].pk, "result": "paid", "paid_on": "2026-13-40"}, follow=True)
    assert "输入一个有效的日期。" in bad.content.decode()
    assert LedgerEntry.objects.count() == 1
