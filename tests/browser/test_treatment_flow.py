"""A month of the honour allowance in the browser, from the scheme to the arrears (补发)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import SecurityPolicy
from gongjiang.archive.enums import Level
from gongjiang.benefits.enums import BatchKind, BatchState, LineState
from gongjiang.benefits.models import Batch, LedgerEntry
from tests.benefits.conftest import retiree
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_scheme_batch_two_person_approval_bank_file_return_file_report_and_arrears(page, make_user, union_a):
    SecurityPolicy.objects.create()
    staff = make_user(Role.FEDERATION_STAFF, username="staff")
    make_user(Role.FEDERATION_STAFF, username="shenpi")
    guo = retiree(union_a, level=Level.NATIONAL, actor=staff, name="郭国", retired_on=dt.date(2020, 3, 1))
    sheng = retiree(union_a, level=Level.PROVINCIAL, actor=staff, name="盛省", retired_on=dt.date(2020, 3, 1))

    login(page, "staff", PASSWORD)
    page.goto("/benefits/")
    page.get_by_role("link", name="新建待遇项目").click()
    page.fill("input[name=name]", "劳模荣誉津贴")
    page.select_option("select[name=kind]", "honour_allowance")
    page.select_option("select[name=period]", "monthly")
    page.fill("input[name=purpose]", "劳模荣誉津贴")
    page.click("main button[type=submit]")
    expect(page.locator(".messages .success")).to_contain_text("待遇项目已保存。")

    page.get_by_role("link", name="新建标准").click()
    page.fill("input[name=label]", "2016 年标准")
    page.fill("input[name=effective_from]", "2026-01-01")
    page.check("input[name=statuses][value=retired]")
    for level in ("1", "2", "3"):
        page.check(f"input[name=levels][value='{level}']")
    page.fill("input[name=amount_1]", "300")
    page.fill("input[name=amount_2]", "200")
    page.fill("input[name=amount_3]", "80")
    page.click("#rule-form button[type=submit]")
    expect(page.locator(".messages .success")).to_contain_text("标准已保存。")
    expect(page.locator("#standards")).to_contain_text("全国 ¥300.00 省级 ¥200.00 市级 ¥80.00")

    # November's batch: one line each, in words.
    page.fill("#generate-form input[name=period]", "2026-11")
    page.click("#generate-form button[type=submit]")
    expect(page.locator("#batch-state")).to_have_text("草稿")
    expect(page.locator("#lines")).to_contain_text("退休 · 全国劳模 · 2016 年标准 ¥300")
    expect(page.locator("#lines")).to_contain_text("退休 · 省（部）级劳模 · 2016 年标准 ¥200")
    batch_url = page.url

    page.click("#submit-batch")
    expect(page.locator("#batch-state")).to_have_text("已提交")
    # The preparer is not offered the approval: the page says another colleague approves.
    expect(page.locator("#approve-batch")).to_have_count(0)
    expect(page.locator("#approve-by-another")).to_have_text("此批次由您制作，须由其他同事审批。")

    page.context.clear_cookies()
    login(page, "shenpi", PASSWORD)
    page.goto(batch_url)
    page.click("#approve-batch")
    expect(page.locator("#batch-state")).to_have_text("已审批")

    with page.expect_download() as download:
        page.click("#bank-xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("行号", "姓名", "账号", "开户行", "金额", "用途", "期间")
    by_name = {r[1]: r for r in rows[1:]}
    assert sorted(by_name) == ["盛省", "郭国"]
    assert (by_name["郭国"][4], by_name["盛省"][4]) == (300, 200)

    # The bank pays 郭国 and returns 盛省's payment.
    book = openpyxl.Workbook()
    book.active.append(["行号", "户名", "金额", "处理结果", "交易日期", "交易流水号", "失败原因"])
    book.active.append([by_name["郭国"][0], "郭国", 300, "成功", "2026-11-10", "BK1110", None])
    book.active.append([by_name["盛省"][0], "盛省", 200, "失败", None, None, "账户已冻结"])
    data = io.BytesIO()
    book.save(data)
    page.set_input_files(
        "#results-form input[name=file]", files=[{"name": "回盘.xlsx", "buffer": data.getvalue(), "mimeType": XLSX}]
    )
    page.click("#results-form button[type=submit]")
    expect(page.locator(".messages .success")).to_contain_text("根据银行回盘文件：成功 1 笔，失败 1 笔。")
    expect(page.locator("#batch-state")).to_have_text("部分失败")

    # The proof: January to October were never paid, and November only to 郭国.
    page.goto("/benefits/report/")
    page.select_option("select[name=scheme]", label="劳模荣誉津贴")
    page.fill("input[name=first]", "2026-01")
    page.fill("input[name=last]", "2026-11")
    page.get_by_role("button", name="显示").click()
    expect(page.locator("#report-headline")).to_have_text(
        "劳模荣誉津贴：应发或已发共 22 人次·期；未按时足额 21 人次·期；欠发 ¥5,200.00。"
    )
    page.click("#arrears-form button[type=submit]")
    expect(page.locator(".messages .success")).to_contain_text("已生成补发批次，共 21 行明细。")

    arrears = Batch.objects.get(kind=BatchKind.ARREARS)
    assert (arrears.state, arrears.total, arrears.line_count) == (BatchState.DRAFT, Decimal("5200.00"), 21)
    assert arrears.lines.filter(model_worker=sheng, period=dt.date(2026, 11, 1)).get().amount == Decimal("200.00")
    assert LedgerEntry.objects.get().model_worker == guo
    regular = Batch.objects.get(kind=BatchKind.REGULAR)
    # 盛省's failed November is owed through the arrears batch, not carried again.
    assert regular.lines.get(model_worker=sheng).state == LineState.CARRIED
