"""Care in the browser: a check-up campaign from plan to attendance — the campaign, a batch of
three places, the suggestions, invitations, two members of federation staff taking the last place
at the same moment (the second is refused in Chinese and the batch stays full), the people's
answers with the waiting list moving up, attendance with a follow-up flag — then a visit that
raises a need, followed step by step to resolution with the person's satisfaction."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import SecurityPolicy
from gongjiang.care.enums import CampaignKind, Criterion, InvitationState
from gongjiang.care.models import Batch, Campaign, CareRule, Invitation, Need
from gongjiang.care.services import rules
from tests.browser.conftest import login
from tests.care.conftest import person
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date.today()
YEAR = TODAY.year
FULL = "第一批名额已满（3个名额），没有空余名额了。可改为列入候补名单。"


def age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def invited_row(page, name):
    section = page.locator("section.card", has=page.locator("h2", has_text="已邀请"))
    return section.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))


def suggested_row(page, name):
    section = page.locator("section.card", has=page.locator("h2", has_text="建议邀请"))
    return section.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))


def places(page):
    return page.locator("dl.fields dd").nth(2)


def test_a_checkup_from_plan_to_attendance_the_last_place_and_a_need_resolved(
    page, browser, live_server, make_user, union_a
):
    SecurityPolicy.objects.create()
    staff = make_user(Role.FEDERATION_STAFF, username="staff")
    make_user(Role.FEDERATION_STAFF, username="staff2")
    if not CareRule.objects.filter(kind=CampaignKind.CHECKUP).exists():  # the migration's rule, unless flushed
        rules.add_rule(
            actor=staff,
            kind=CampaignKind.CHECKUP,
            effective_from=dt.date(2016, 1, 1),
            working_every=1,
            retired_every=2,
            priority=[Criterion.OVERDUE, Criterion.NEVER, Criterion.AGE, Criterion.HARDSHIP],
        )
    born = {"甲": dt.date(1950, 3, 1), "乙": dt.date(1955, 3, 1), "丙": dt.date(1960, 3, 1), "丁": dt.date(1965, 3, 1)}
    people = {name: person(union_a, name=name, born=b) for name, b in born.items()}

    # The federation plans the campaign and a batch of three places (it started on 1 January).
    login(page, "staff", PASSWORD)
    page.goto("/care/checkups/new/")
    page.fill("input[name=year]", str(YEAR))
    page.fill("input[name=title]", f"{YEAR}年劳模免费体检")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_have_text("活动已创建，请新增批次。")
    expect(page.locator("h1")).to_have_text(f"{YEAR}年劳模免费体检")
    campaign = Campaign.objects.get(year=YEAR, kind=CampaignKind.CHECKUP)
    page.get_by_role("link", name="新增批次").click()
    page.fill("input[name=name]", "第一批")
    page.fill("input[name=starts_on]", f"{YEAR}-01-01")
    page.fill("input[name=place]", "无锡市第二人民医院体检中心")
    page.fill("input[name=capacity]", "3")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_have_text("批次已保存。")
    expect(places(page)).to_have_text("共3个名额：已占0个，空余3个")
    batch = Batch.objects.get(campaign=campaign)

    # The suggestions, oldest first (no one has had a check-up), with the reason in words.
    page.goto(campaign.get_absolute_url())
    ref = dt.date(YEAR, 1, 1)
    for name in born:
        expect(suggested_row(page, name).locator("td").nth(2)).to_have_text(
            f"从未参加体检；在职劳模每1年一次；{age(born[name], ref)}岁"
        )
    expect(page.locator("section.card", has=page.locator("h2", has_text="建议邀请")).locator("tbody tr")).to_have_count(
        4
    )
    for name in ("甲", "乙"):
        suggested_row(page, name).get_by_role("button", name="邀请参加第一批").click()
        expect(page.locator(".messages")).to_have_text(f"已邀请{name}参加第一批。")

    # One place is left. A second member of staff opens the same page at the same moment.
    other_context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    other = other_context.new_page()
    login(other, "staff2", PASSWORD)
    other.goto(campaign.get_absolute_url())
    expect(suggested_row(other, "丁").get_by_role("button", name="邀请参加第一批")).to_be_visible()
    expect(suggested_row(page, "丙").get_by_role("button", name="邀请参加第一批")).to_be_visible()
    # The first submits and gets the last place; the second, from the form still open, is refused.
    suggested_row(page, "丙").get_by_role("button", name="邀请参加第一批").click()
    expect(page.locator(".messages")).to_have_text("已邀请丙参加第一批。")
    suggested_row(other, "丁").get_by_role("button", name="邀请参加第一批").click()
    expect(other.locator(".messages li.error")).to_have_text(FULL)
    batches = other.locator("section.card").first.locator("tbody tr")
    expect(batches.locator("td")).to_have_text(["第一批", f"{YEAR}-01-01", "无锡市第二人民医院体检中心", "3", "3", "0"])
    assert Batch.objects.get(pk=batch.pk).taken == 3
    assert Invitation.objects.filter(batch=batch).count() == 3
    # The page now offers the waiting list instead, and the second takes it.
    suggested_row(other, "丁").get_by_role("button", name="列入第一批候补").click()
    expect(other.locator(".messages")).to_have_text("丁已列入第一批候补名单。")
    other_context.close()

    # The people answer: 甲 accepts, 乙 declines and the place goes to 丁 from the waiting list.
    page.goto(batch.get_absolute_url())
    expect(places(page)).to_have_text("共3个名额：已占3个，空余0个")
    waiting = page.locator("section.card", has=page.locator("h2", has_text="候补名单")).locator("tbody tr")
    expect(waiting.locator("td").nth(1)).to_have_text("丁")
    invited_row(page, "甲").get_by_role("button", name="确认参加").click()
    expect(page.locator(".messages")).to_have_text("答复已登记。")
    invited_row(page, "乙").get_by_role("button", name="不参加").click()
    expect(page.locator(".messages li")).to_have_text(["答复已登记。", "空出的名额已递补给候补的丁。"])
    expect(waiting.locator("td")).to_have_text(["没有候补人员。"])
    expect(places(page)).to_have_text("共3个名额：已占3个，空余0个")

    # Attendance: a follow-up flag and a short note, never the medical report.
    row = invited_row(page, "甲")
    row.locator("select[name=attended]").select_option("yes")
    row.locator("input[name=follow_up]").check()
    row.locator("input[name=note]").fill("血压偏高，建议复查")
    row.get_by_role("button", name="登记参加情况").click()
    expect(page.locator(".messages")).to_have_text("参加情况已登记。")
    expect(invited_row(page, "甲").locator("td").nth(3)).to_have_text("需要跟进: 血压偏高，建议复查")
    invited_row(page, "丙").get_by_role("button", name="登记参加情况").click()
    expect(page.locator(".messages")).to_have_text("参加情况已登记。")
    row = invited_row(page, "丁")
    row.locator("select[name=attended]").select_option("no")
    row.get_by_role("button", name="登记参加情况").click()
    expect(page.locator(".messages")).to_have_text("参加情况已登记。")
    expect(page.locator("dl.fields dd").nth(3)).to_have_text("不参加 1 已参加 2 未参加 1")
    states = dict(Invitation.objects.filter(batch=batch).values_list("model_worker__name", "state"))
    assert states == {
        "甲": InvitationState.ATTENDED,
        "乙": InvitationState.DECLINED,
        "丙": InvitationState.ATTENDED,
        "丁": InvitationState.ABSENT,
    }
    assert Batch.objects.get(pk=batch.pk).taken == 3

    # A visit to 甲 raises a need; it gets a step and is resolved with the person's satisfaction.
    page.goto(f"/care/people/{people['甲'].pk}/visits/new/")
    page.select_option("select[name=occasion]", "routine")
    page.select_option("select[name=mode]", "home")
    page.fill("input[name=visited_on]", TODAY.isoformat())
    page.fill("input[name=visitors]", "区总工会 王主席")
    page.fill("textarea[name=health]", "体检后血压偏高，已遵医嘱服药")
    page.fill("textarea[name=housing]", "老旧小区六楼，无电梯，楼道无扶手")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_have_text("走访已登记。")
    expect(page.locator("h1")).to_have_text(f"{TODAY.isoformat()}走访甲")
    page.get_by_role("link", name="登记提出的诉求").click()
    expect(page.locator("select[name=source]")).to_have_value("visit")
    page.fill("textarea[name=description]", "楼道加装扶手")
    page.fill("input[name=deadline]", (TODAY + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_have_text("诉求已登记。")
    need = Need.objects.get()
    assert (need.visit.model_worker_id, need.holder_id) == (people["甲"].pk, staff.pk)
    page.fill("input[name=on]", TODAY.isoformat())
    page.fill("textarea[name=note]", "联系社区与物业，已派人测量")
    page.get_by_role("button", name="登记办理过程").click()
    expect(page.locator(".messages")).to_have_text("办理过程已登记。")
    steps = page.locator("section.card", has=page.locator("h2", has_text="办理过程")).locator("tbody tr td")
    expect(steps.nth(1)).to_have_text("联系社区与物业，已派人测量")
    page.fill("textarea[name=resolution]", "扶手已装好")
    page.select_option("select[name=satisfaction]", "very")
    page.get_by_role("button", name="已办结", exact=True).click()
    expect(page.locator(".messages")).to_have_text("诉求已办结。")
    fields = page.locator("dl.fields dd")
    expect(fields.nth(4)).to_have_text("已办结")
    expect(fields.nth(6)).to_have_text("非常满意")

    # The needs list: nothing open, and the need among the resolved.
    page.goto("/care/needs/")
    expect(page.locator("tbody tr td")).to_have_text(["无。"])
    page.goto("/care/needs/?show=resolved")
    expect(page.locator("tbody tr").first.locator("td")).to_have_text(
        ["甲", "楼道加装扶手", str(staff), (TODAY + dt.timedelta(days=30)).isoformat(), "已办结"]
    )
    need.refresh_from_db()
    assert (need.state, need.satisfaction, need.resolved_on, need.steps.count()) == ("resolved", "very", TODAY, 1)
