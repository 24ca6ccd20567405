"""The words on the pages, as a new user reads them (issue 10, item 22): no raw values or
configuration names, and each label saying what it labels. The crawl (tests/test_crawl.py)
checks every page for raw keys; these pin the cases that were found."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongjiang.benefits import services as benefits
from gongjiang.benefits.enums import SchemeKind, SchemePeriod
from gongjiang.platform import services as platform
from gongjiang.rosters.models import RosterImport
from tests.factories import PASSWORD
from tests.platform.conftest import established
from tests.rosters.conftest import idn, xlsx
from tests.site_walk import raw_keys, visible_text


def words(response) -> str:
    return " ".join(visible_text(response.content.decode()))


def test_the_import_preview_gives_sex_in_words(client, staff_user, union_a, django_capture_on_commit_callbacks):
    data = xlsx(
        [["姓名", "性别", "身份证号"], ["张三", "男", idn((1965, 3, 1))], ["李四", "女", idn((1966, 4, 2), "F")]]
    )
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rosters/", {"file": SimpleUploadedFile("名册.xlsx", data), "default_union": union_a.pk})
    ri = RosterImport.objects.get()
    text = words(client.get(f"/rosters/{ri.pk}/?show=new"))
    assert "性别：— → 男" in text
    assert "性别：— → 女" in text
    assert [k for k in raw_keys([text]) if k[0] == "M/F"] == []


def test_a_failed_login_says_why_and_not_that_nothing_was_saved(client, staff_user):
    response = client.post("/accounts/login/", {"username": staff_user.username, "password": PASSWORD + "x"})
    text = words(response)
    assert "用户名或密码错误" in text
    assert "未能保存" not in text


def test_the_policy_page_names_no_configuration_variables(client, admin_user, policy):
    client.force_login(admin_user)
    text = words(client.get(reverse("accounts:policy")))
    assert (
        "同一账号在同一地址连续输错密码 5 次，该账号在该地址锁定 30 分钟；同一地址 15 分钟内登录失败 20 次（不论用户名），"
        "在此时间过去之前不能再尝试。这些限制在系统安装时由服务器配置设定。"
    ) in text
    assert [k for k in raw_keys([text]) if k[0] == "UPPER_SNAKE"] == []


def test_a_list_of_schemes_is_headed_by_scheme_not_by_a_persons_name(client, staff_user):
    benefits.save_scheme(
        actor=staff_user,
        data={"name": "劳模荣誉津贴", "kind": SchemeKind.HONOUR_ALLOWANCE, "period": SchemePeriod.MONTHLY},
    )
    client.force_login(staff_user)
    page = client.get(reverse("benefits:index")).content.decode()
    assert "<th>待遇项目</th><th>类型</th>" in page


def test_the_list_of_organisations_is_headed_by_organisation(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:organisation_list")).content.decode()
    assert "<thead><tr><th>组织机构</th>" in page


def test_who_did_it_is_the_actor_and_who_uploaded_is_the_uploader(client, staff_user, union_a):
    unit = established(staff_user, union=union_a, name="焊接标兵")
    platform.add_member(actor=staff_user, unit=unit, model_worker=None, name="赵工", position="焊接", joined_on=None)
    client.force_login(staff_user)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "<th>原因</th><th>操作人</th>" in page
    # A button says what it does; "已退出团队" would be the state it leads to.
    assert ">登记退出团队</button>" in page
    assert "已退出团队" not in page
    assert "<th>上传人</th>" in client.get(reverse("rosters:index")).content.decode()
