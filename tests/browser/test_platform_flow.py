"""The 三创 platform in the browser: a union applies for a star post, the federation reviews it
and awards the plaque (the PDF renders its Chinese text), two reviewers score it, the round
closes, the promotion candidate appears and is decided, and the history shows it all. Then the
leader's reach by URL."""

import shutil
import subprocess

import pytest
from PIL import Image
from playwright.sync_api import expect

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import SecurityPolicy
from gongjiang.archive.enums import Level
from gongjiang.platform.enums import CaseState, Have, Tier, UnitStatus
from gongjiang.platform.models import Case, Unit
from tests.browser.conftest import login
from tests.factories import PASSWORD, ModelWorkerFactory
from tests.platform.test_pages import established

pytestmark = pytest.mark.django_db(transaction=True)


def score_everything_full(page):
    # The link was just clicked: wait for the score form, or .all() reads the page being left.
    expect(page.locator("#score-form input.score-input").first).to_be_visible()
    for box in page.locator("#score-form input.score-input").all():
        box.fill(box.get_attribute("max"))
    page.locator("#score-form button[type=submit]").click()


def test_apply_review_award_evaluate_promote_and_the_leaders_reach(page, make_user, union_a, union_b, tmp_path):
    SecurityPolicy.objects.create()
    staff = make_user(Role.FEDERATION_STAFF, username="staff")
    make_user(Role.FEDERATION_ADMIN, username="admin")
    make_user(Role.UNION_STAFF, username="union", organisation=union_a)
    zhao = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL, name="赵建华")
    leader_user = make_user(Role.STUDIO_LEADER, username="leader", model_worker=zhao)
    elsewhere = established(staff, union_b, name="外会工作室")
    page.on("dialog", lambda dialog: dialog.accept())  # "close the round?" asks first

    # A grassroots union applies, choosing the leader from the archive by typing.
    login(page, "union", PASSWORD)
    page.goto("/platform/units/new/")
    page.fill("input[name=name]", "电力运维检修示范岗")
    page.select_option("select[name=tier]", Tier.STAR_POST)
    page.select_option("select[name=union]", str(union_a.pk))
    page.locator(".picker:has(select[name=leader]) input[type=search]").fill("赵建")
    expect(page.locator(f"select[name=leader] option[value='{zhao.pk}']")).to_have_count(1)
    page.select_option("select[name=leader]", str(zhao.pk))
    page.fill("input[name=field]", "电力运维")
    page.click("#unit-form button[type=submit]")
    expect(page.locator("#unit-status")).to_have_text("申报中")
    unit = Unit.objects.get(name="电力运维检修示范岗")

    # The federation reviews it and awards the plaque with three stars.
    page.context.clear_cookies()
    login(page, "staff", PASSWORD)
    page.goto(unit.get_absolute_url())
    page.check("#review input[name=decision][value=approve]")
    page.fill("#review textarea[name=reason]", "六有达标，同意")
    page.click("#review button[type=submit]")
    expect(page.locator("#unit-status")).to_have_text("已通过，待授牌")
    # No plaque before the six haves: the page says which are missing; the union's six are kept.
    expect(page.locator("#award-haves")).to_contain_text("未达到：有团队、有场地、有经费、有管理、有标志、有成效")
    for have in Have.values:
        page.goto(f"{unit.get_absolute_url()}haves/{have}/")
        page.check("input[name=met]")
        page.fill("textarea[name=note]", "已落实")
        page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#award-haves")).to_have_count(0)
    page.fill("#award input[name=stars]", "3")
    page.click("#award button[type=submit]")
    expect(page.locator("#unit-status")).to_have_text("正常")
    unit.refresh_from_db()
    expect(page.locator("#plaque-number")).to_contain_text(unit.plaque_number)
    assert unit.plaque_number.startswith("LX-SFG-")

    # The certificate and plaque: a real PDF whose Chinese glyphs render (pdftoppm draws them).
    href = page.get_attribute("#plaque-pdf", "href")
    pdf = page.request.get(href)
    assert pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "plaque.pdf"
    path.write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)

        pages = sorted(tmp_path.glob("page-*.png"))
        assert len(pages) == 2  # the certificate, then the plaque
        certificate = Image.open(pages[0]).convert("L")
        dark = certificate.histogram()[:128]
        dark = sum(dark)
        assert dark > 500  # the title and text are drawn, not empty boxes or a blank page
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert "Noto-Serif-CJK-SC" in fonts  # embedded: the titles
        assert "Noto-Sans-CJK-SC" in fonts  # and the text

    # A round: two reviewers give full marks.
    page.goto("/platform/evaluations/")
    page.fill("#new-round input[name=title]", "2026 年度考评")
    page.click("#new-round button[type=submit]")
    expect(page.locator("#round-state")).to_have_text("评分中")
    round_url = page.url
    page.locator("#round-units tr", has_text="电力运维检修示范岗").get_by_role("link", name="评分").click()
    score_everything_full(page)
    expect(page.locator(".messages .success")).to_be_visible()
    page.context.clear_cookies()
    login(page, "admin", PASSWORD)
    page.goto(round_url)
    page.locator("#round-units tr", has_text="电力运维检修示范岗").get_by_role("link", name="评分").click()
    score_everything_full(page)
    expect(page.locator("#result")).to_contain_text("100.00")
    page.goto(round_url)
    page.click("#close-round")
    expect(page.locator("#round-state")).to_have_text("已关闭")
    expect(page.locator("#round-units tr", has_text="电力运维检修示范岗")).to_contain_text("优秀")

    # The rules made it a candidate for studio; the federation decides.
    page.goto("/platform/cases/")
    case = Case.objects.get(unit=unit, state=CaseState.PENDING)
    block = page.locator(f"#case-{case.pk}")
    expect(block).to_contain_text("电力运维检修示范岗")
    block.locator("input[name=decision][value=accept]").check()
    block.locator("textarea[name=reason]").fill("党组会研究同意晋升")
    block.locator("button[type=submit]").click()
    expect(page.locator(".messages .success")).to_contain_text("电力运维检修示范岗")
    unit.refresh_from_db()
    assert (unit.tier, unit.status, unit.stars) == (Tier.STUDIO, UnitStatus.ACTIVE, None)
    history = page.locator("#history")
    expect(history).to_contain_text("晋升")
    expect(history).to_contain_text("党组会研究同意晋升")
    expect(history).to_contain_text(unit.plaque_number)

    # The leader keeps their own unit and cannot open another by its URL.
    page.context.clear_cookies()
    login(page, "leader", PASSWORD)
    page.goto(unit.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("电力运维检修示范岗")
    page.allow_http_errors = True
    response = page.goto(elsewhere.get_absolute_url())
    assert response.status == 404
    response = page.goto(f"/platform/evaluation/{unit.evaluations.get().pk}/")
    assert response.status == 403
    assert leader_user.model_worker_id == unit.leader_id
