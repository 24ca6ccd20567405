import io

import openpyxl
import pytest
from playwright.sync_api import expect

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import SecurityPolicy
from gongjiang.archive.models import ModelWorker
from tests.browser.conftest import login
from tests.factories import PASSWORD
from tests.rosters.conftest import idn, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_a_messy_roster_correct_a_column_confirm_and_download_the_rows_to_fix(page, make_user, union_a):
    SecurityPolicy.objects.create()
    make_user(Role.FEDERATION_STAFF, username="staff")
    roster = xlsx(
        [
            ["梁溪区劳模花名册（2025）"],
            [],
            ["序号", "姓名", "公民号", "荣誉称号", "单位"],
            [1, "张 三", idn((1965, 3, 1)).lower(), "2005年省劳模、2010年全国劳模", "梁溪区实验小学"],
            [2, "李四", 3.2e17, "2006年市劳模", "梁溪区第一中学"],
        ],
        merges=("A1:E1",),
    )
    login(page, "staff", PASSWORD)
    page.goto("/rosters/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "名册.xlsx",
                "buffer": roster,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ],
    )
    page.select_option("select[name=default_union]", str(union_a.pk))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#counts")).to_be_visible()
    # "公民号" is not a name staff use for the ID number: map it and read the file again.
    page.click("#mapping summary")
    page.select_option("select[name=col_2]", "id_number")
    page.click("#mapping-form button[type=submit]")
    expect(page.locator("#counts .stat").nth(0)).to_contain_text("1")
    expect(page.locator("#counts .stat").nth(3)).to_contain_text("1")
    page.click("#confirm-button")
    expect(page.locator(".alert.info")).to_be_visible()
    zhang = ModelWorker.objects.get(name="张三")
    assert zhang.highest_level == 1
    with page.expect_download() as download_info:
        page.click("#errors-link")
    book = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-1] == "原因"
    assert rows[1][:3] == (5, 2, "李四")
    assert "身份证号被 Excel 存成了数字" in rows[1][-1]
