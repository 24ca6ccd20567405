import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services
from gongjiang.archive.enums import HonourKind, Level, Status
from gongjiang.archive.models import Employer
from gongjiang.archive.selectors import search_plan
from tests.factories import ModelWorkerFactory, UserFactory


@pytest.fixture
def people(union_a, union_b, staff_user):
    school = Employer.objects.create(name="梁溪区实验小学")
    factory = Employer.objects.create(name="无锡锡城精密机械有限公司")
    zhang = ModelWorkerFactory(name="张三", union=union_a, employer=school, with_level=Level.NATIONAL)
    zhou = ModelWorkerFactory(
        name="周舜",
        union=union_a,
        employer=factory,
        with_level=Level.MUNICIPAL,
        status=Status.RETIRED,
        retired_on=dt.date(2020, 5, 1),
    )
    li = ModelWorkerFactory(name="李四", union=union_b, employer=factory, with_level=Level.PROVINCIAL)
    wang = ModelWorkerFactory(name="王五", union=union_b, birth_date=dt.date(1950, 1, 2))
    services.add_honour(
        actor=staff_user,
        worker=wang,
        data={
            "title": "全国五一劳动奖章",
            "kind": HonourKind.MAY_DAY_MEDAL,
            "level": Level.NATIONAL,
            "year": 2016,
        },
    )
    return {"zhang": zhang, "zhou": zhou, "li": li, "wang": wang}


def names(client, query=""):
    response = client.get(reverse("archive:list") + query)
    assert response.status_code == 200
    return [w.name for w in response.context["page"].items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=zs", ["张三", "周舜"]),
        ("?q=ZS", ["张三", "周舜"]),
        ("?q=zhangsan", ["张三"]),
        ("?q=zhang", ["张三"]),
        ("?q=张", ["张三"]),
        ("?q=张三", ["张三"]),
        ("?q=锡城", ["周舜", "李四"]),
        ("?employer=实验小学", ["张三"]),
        ("?level=1", ["张三"]),
        ("?level=municipal_up", ["张三", "李四", "周舜"]),
        ("?level=9", ["王五"]),
        ("?status=retired", ["周舜"]),
        ("?level=3&status=retired", ["周舜"]),
        ("?honour_kind=may_day_medal", ["王五"]),
        ("?honour_year=2016", ["王五"]),
        ("?honour_year=2010&level=2", ["李四"]),
        ("?sort=birth", ["王五", "张三", "周舜", "李四"]),
        ("?q=nobody", []),
    ],
)
def test_search_and_filters(client_for, staff_user, people, query, expected):
    got = names(client_for(staff_user), query)
    if "sort" in query:
        assert got[0] == expected[0]
    else:
        assert sorted(got) == sorted(expected)


def test_the_default_order_is_level_then_pinyin(client_for, staff_user, people):
    assert names(client_for(staff_user)) == ["张三", "李四", "周舜", "王五"]


def test_search_by_the_last_four_characters_of_the_id_number(client_for, staff_user, people):
    li = people["li"]
    assert names(client_for(staff_user), f"?q={li.id_number[-4:]}") == ["李四"]


def test_filter_by_union_for_federation_staff(client_for, staff_user, people, union_b):
    assert sorted(names(client_for(staff_user), f"?union={union_b.pk}")) == ["李四", "王五"]


def test_union_staff_cannot_widen_their_scope_with_a_filter(client_for, union_user, people, union_b):
    assert names(client_for(union_user), f"?union={union_b.pk}") == ["张三", "周舜"]


def count_queries(client, url, django_assert_max_num_queries):

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/archive/",
        "/archive/?q=zs",
        "/archive/?level=1&status=working",
        "/archive/?honour_kind=model_worker&sort=-updated",
    ],
)
def test_the_list_makes_the_same_number_of_queries_for_1_and_40_people(
    client_for, staff_user, union_a, url, django_assert_num_queries
):

    client = client_for(staff_user)
    ModelWorkerFactory(name="张一", union=union_a, with_level=Level.NATIONAL)
    client.get(url)  # the first request of a session also fills caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(39):
        ModelWorkerFactory(name=f"张{'一二三四五六七八九十'[i % 10]}{i}", union=union_a, with_level=Level.NATIONAL)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].items) == 20 or "q=zs" in url
    # 8: the six of the page, and the audit entry of the read (issue 10, item 6) with the read of
    # the chain's head it is sealed with (item 7).
    assert len(one.captured_queries) == len(many.captured_queries) == 8
    assert [q["sql"].startswith('INSERT INTO "accounts_auditentry"') for q in many.captured_queries].count(True) == 1


def test_the_profile_makes_a_fixed_number_of_queries(client_for, staff_user, union_a):

    client = client_for(staff_user)
    worker = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    client.get(reverse("archive:detail", args=[worker.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("archive:detail", args=[worker.pk]))
    for year in range(2000, 2012):
        services.add_honour(
            actor=staff_user,
            worker=worker,
            data={"title": "劳模", "kind": HonourKind.MODEL_WORKER, "level": Level.DISTRICT, "year": year},
        )
        services.add_family_member(actor=staff_user, worker=worker, data={"relation": "child", "name": f"子{year}"})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("archive:detail", args=[worker.pk]))
    # 12: the seven of the page, the hardship file's spells, reviews and history (issue 13, item 6),
    # and the audit entry of the read (issue 10, item 6) with the read of the chain's head it is
    # sealed with (item 7).
    assert len(few.captured_queries) == len(many.captured_queries) == 12
    assert [q["sql"].startswith('INSERT INTO "accounts_auditentry"') for q in many.captured_queries].count(True) == 1


def test_paging_through_the_list(client_for, staff_user, union_a):
    for i in range(45):
        ModelWorkerFactory(name=f"陈{'一二三四五六七八九'[i % 9]}{i}", union=union_a)
    client = client_for(staff_user)
    first = client.get("/archive/?sort=name").context["page"]
    assert (first.count, first.count_capped, len(first.items), first.has_prev, first.has_next) == (
        45,
        False,
        20,
        False,
        True,
    )
    second = client.get(f"/archive/?sort=name&after={first.next_cursor}&page=2").context["page"]
    third = client.get(f"/archive/?sort=name&after={second.next_cursor}&page=3").context["page"]
    assert (len(second.items), len(third.items), third.has_next, third.number) == (20, 5, False, 3)
    everyone = [w.pk for w in first.items + second.items + third.items]
    assert len(set(everyone)) == 45


def test_the_count_says_more_than_the_cap_instead_of_counting_everything(client_for, staff_user, union_a, settings):
    settings.GONGJIANG = {**settings.GONGJIANG, "LIST_COUNT_CAP": 10}
    for i in range(12):
        ModelWorkerFactory(name=f"刘{'一二三四五六'[i % 6]}{i}", union=union_a)
    body = client_for(staff_user).get("/archive/").content.decode()
    assert "超过 10 条" in body


# --- Export ----------------------------------------------------------------------------------


def export(client, data):
    response = client.post(reverse("archive:export"), data)
    assert response.status_code == 200, response.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.active


def test_the_export_is_the_filtered_list_masked_and_audited(client_for, staff_user, people):
    sheet = export(client_for(staff_user), {"level": "municipal_up"})
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["档案号", "姓名", "性别", "民族", "出生日期", "身份证号"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["张三", "李四", "周舜"]
    zhang = people["zhang"]
    assert rows[0][5] == zhang.id_number[:6] + "********" + zhang.id_number[-4:]
    assert rows[0][4] == dt.datetime(1960, 5, 1)  # a real date, not text
    assert sheet.freeze_panes == "A2"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.detail["rows"] == 3
    assert entry.detail["unmasked"] is False
    assert "市级以上" in entry.detail["filters"]


def test_an_unmasked_export_keeps_id_numbers_as_text(client_for, staff_user, people):
    sheet = export(client_for(staff_user), {"q": "李四", "unmasked": "1"})
    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row[5] == people["li"].id_number
    assert sheet.cell(2, 6).data_type == "s"
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).detail["unmasked"] is True


def test_union_staff_may_not_export_unmasked(client_for, union_user, people):
    response = client_for(union_user).post(reverse("archive:export"), {"unmasked": "1"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_union_staff_export_only_their_union(client_for, union_user, people):
    sheet = export(client_for(union_user), {})
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["周舜", "张三"]


def test_a_formula_in_a_cell_is_written_as_text(client_for, staff_user, union_a):
    ModelWorkerFactory(name="赵六", union=union_a, position='=HYPERLINK("http://evil")', address="+1+1")
    sheet = export(client_for(staff_user), {})
    row = list(sheet[2])
    by_header = {sheet.cell(1, c.column).value: c for c in row}
    assert by_header["职务"].value == '=HYPERLINK("http://evil")'
    assert by_header["职务"].data_type == "s"
    assert by_header["地址"].data_type == "s"


def test_a_large_export_runs_in_the_background_with_progress(
    client_for, staff_user, union_a, settings, django_capture_on_commit_callbacks
):
    settings.GONGJIANG = {**settings.GONGJIANG, "EXPORT_INLINE_LIMIT": 3}
    for i in range(5):
        ModelWorkerFactory(name=f"孙{'一二三四五'[i]}", union=union_a)
    client = client_for(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:export"), {})
    assert response.status_code == 302
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "5 行" in page or "5 条" in page or "5" in page
    download = client.get(job_url + "download/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.active.max_row == 6
    # Another user cannot fetch it.

    other = UserFactory(role=staff_user.role, organisation=staff_user.organisation)
    client.force_login(other)
    assert client.get(job_url + "download/").status_code == 404


@pytest.mark.parametrize(
    ("q", "field", "ordering"),
    [
        ("zs", "name_initials", ["name_initials", "name_pinyin", "id"]),
        ("xjp", "name_initials", ["name_initials", "name_pinyin", "id"]),
        ("zhangs", "name_pinyin", ["name_pinyin", "id"]),
        ("li", "name_pinyin", ["name_pinyin", "id"]),
        ("zh", None, None),
        ("1234", "id_last4", None),
    ],
)
def test_each_kind_of_query_has_a_plan_an_index_can_serve(db, q, field, ordering):

    plan = search_plan(q)
    assert plan.ordering == ordering
    fields = {child[0].split("__")[0] for child in plan.condition.children if isinstance(child, tuple)}
    if field:
        assert fields == {field}
    else:
        assert len(plan.condition.children) == 2  # initials or pinyin


def test_a_chinese_query_orders_by_name_unless_it_matches_an_employer(db):

    assert search_plan("王").ordering == ["name", "id"]
    Employer.objects.create(name="王兴记餐饮有限公司")
    assert search_plan("王").ordering is None


def test_best_match_puts_exact_initials_first(client_for, staff_user, union_a):
    for name in ["周树森", "张三", "赵胜", "张思远"]:
        ModelWorkerFactory(name=name, union=union_a)
    # Two-character names (initials exactly "zs") first, then zss…, zsy…
    assert names(client_for(staff_user), "?q=zs") == ["张三", "赵胜", "周树森", "张思远"]
