import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry, SecurityPolicy
from gongjiang.archive.enums import Level
from gongjiang.archive.models import ModelWorker
from tests.browser.conftest import login
from tests.factories import PASSWORD, ModelWorkerFactory, valid_id

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(make_user, union_a, union_b):
    SecurityPolicy.objects.create()
    staff = make_user(Role.FEDERATION_STAFF, username="staff")
    union = make_user(Role.UNION_STAFF, username="union")
    zhang = ModelWorkerFactory(name="张三", union=union_a, with_level=Level.NATIONAL, phone="13812345678")
    li = ModelWorkerFactory(name="李四", union=union_b, with_level=Level.PROVINCIAL)
    ModelWorkerFactory(name="王五", union=union_a, with_level=Level.MUNICIPAL)
    return {"staff": staff, "union": union, "zhang": zhang, "li": li}


def test_login_in_chinese_and_land_on_the_overview(page, world):
    page.goto("/")
    expect(page.locator("h2")).to_have_text("登录")
    login(page, "staff", PASSWORD)
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.locator("#headline")).to_contain_text("市以上劳模")
    expect(page.locator("#headline")).to_contain_text("全国劳模 1 人")


def test_five_wrong_passwords_lock_the_account(page, world):
    page.allow_http_errors = True
    for _ in range(5):
        login(page, "staff", "wrong-password")
    login(page, "staff", PASSWORD)
    expect(page.locator(".alert")).to_contain_text("该账号已被锁定")
    page.goto("/archive/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_search_by_pinyin_initials(page, world):
    login(page, "staff", PASSWORD)
    page.goto("/archive/")
    page.fill("input[name=q]", "zs")
    page.click("text=查询")
    rows = page.locator("#worker-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三")


def test_a_bad_id_number_is_refused_and_nothing_is_saved(page, world, union_a):
    login(page, "staff", PASSWORD)
    page.goto("/archive/new/")
    page.fill("input[name=name]", "钱七")
    page.fill("input[name=id_number]", "320102196503011235")
    page.select_option("select[name=union]", str(union_a.pk))
    page.click("#worker-form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("未能保存")
    expect(page.locator("#id_id_number_error")).to_contain_text("校验码不正确")
    assert not ModelWorker.objects.filter(name="钱七").exists()
    # Corrected, it saves.
    page.fill("input[name=id_number]", valid_id(dt.date(1965, 3, 1), "M"))
    page.click("#worker-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("钱七")
    worker = ModelWorker.objects.get(name="钱七")
    assert (worker.birth_date, worker.sex) == (dt.date(1965, 3, 1), "M")


def test_editing_a_record_shows_in_its_history(page, world):
    zhang = world["zhang"]
    login(page, "staff", PASSWORD)
    page.goto(f"/archive/{zhang.pk}/")
    page.click("text=编辑 >> nth=0")
    page.fill("input[name=position]", "首席技师")
    page.click("#worker-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("#history")).to_contain_text("首席技师")
    assert ModelWorker.objects.get(pk=zhang.pk).position == "首席技师"


def test_the_masked_id_number_is_revealed_and_the_reveal_is_audited(page, world):
    zhang = world["zhang"]
    login(page, "staff", PASSWORD)
    page.goto(f"/archive/{zhang.pk}/")
    masked = zhang.id_number[:6] + "********" + zhang.id_number[-4:]
    expect(page.locator("#id-number")).to_contain_text(masked)
    expect(page.locator("body")).not_to_contain_text(zhang.id_number)
    page.locator("#id-number button").click()
    expect(page.locator("#id-number")).to_contain_text(zhang.id_number)
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.actor_username, entry.model_worker_id, entry.detail) == (
        "staff",
        zhang.pk,
        {"field": "id_number"},
    )


def test_a_union_user_cannot_open_another_unions_record(page, world):
    page.allow_http_errors = True
    login(page, "union", PASSWORD)
    response = page.goto(f"/archive/{world['li'].pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    response = page.goto(f"/archive/{world['li'].pk}/edit/")
    assert response.status == 404
    response = page.goto(f"/archive/{world['zhang'].pk}/")
    assert response.status == 200
