"""Rosters as unions really make them (issue 10, items 15–17): built here the way a union's
clerk builds them in Excel or WPS — a merged title over the header, 劳模类别 and 年度 columns,
one sheet per union, notes and totals under the table — and read with exact outcomes."""

import datetime as dt

import openpyxl
import pytest

from gongjiang.archive.enums import HonourKind, Level
from gongjiang.archive.models import ModelWorker
from gongjiang.rosters import exports
from gongjiang.rosters.models import ImportRow, ImportStatus, RowAction
from gongjiang.rosters.services import union_for_sheet
from tests.factories import OrganisationFactory
from tests.rosters.conftest import Importer, idn, problems, workbook, xlsx

MW, ADV, MEDAL = HonourKind.MODEL_WORKER, HonourKind.ADVANCED_WORKER, HonourKind.MAY_DAY_MEDAL
NAT, PROV, MUN = Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL


def honours(name: str) -> list[tuple]:
    worker = ModelWorker.objects.get(name=name)
    return [(h.title, h.level, h.kind, h.year) for h in worker.honours.order_by("year", "id")]


def stored(ri) -> list[tuple]:
    return list(ImportRow.objects.filter(roster_import=ri).order_by("id").values_list("sheet", "row_number", "action"))


# --- The union's ordinary workbook (items 15 and 16) --------------------------------------------

EDUCATION_HEADER = ["序号", "姓名", "性别", "身份证号", "工作单位", "劳模类别", "荣誉称号", "年度", "备注"]


def education_roster() -> bytes:
    """梁溪区教育工会's roster: a merged title, one header row, a person over two merged rows, notes."""
    return xlsx(
        [
            ["梁溪区教育工会劳模名册（2026年）"],
            EDUCATION_HEADER,
            [1, "陈建国", "男", idn((1962, 5, 12), "M", 11), "无锡市第一中学", "省劳模", "江苏省劳动模范", 2010, None],
            [
                2,
                "王秀英",
                "女",
                idn((1968, 9, 3), "F", 12),
                "梁溪区实验小学",
                "市劳模",
                "无锡市劳动模范",
                2015,
                "已退休",
            ],
            [3, "李志强", "男", idn((1959, 1, 20), "M", 13), "梁溪区教育局", "全国先进工作者", "全国先进工作者", 2005],
            [4, "周丽华", "女", idn((1971, 7, 7), "F", 14), "无锡市第三高级中学", "全国五一劳动奖章", None, 2019],
            [5, "张卫东", "男", idn((1965, 11, 30), "M", 15), "无锡市育红小学", "省劳模", "劳动模范", 2020],
            [6, "刘海燕", "女", idn((1966, 2, 14), "F", 16), "梁溪区连元街小学", "市劳模", "无锡市劳动模范", 2008],
            [None, None, None, None, None, "省劳模", "江苏省劳动模范", 2013],
            [],
            ["注：以上信息经本人核实。"],
            ["填表人：李明", None, None, None, None, "联系电话：0510-82712345"],
        ],
        merges=("A1:I1", "A8:A9", "B8:B9", "C8:C9", "D8:D9", "E8:E9", "A11:I11"),
    )


def test_a_title_row_naming_the_union_is_never_half_of_the_header(importer):
    ri = importer.preview(education_roster())
    assert (ri.status, ri.header_row, ri.header_rows) == (ImportStatus.PARSED, 2, 1)
    assert ri.headers == EDUCATION_HEADER
    assert ri.mapping == ["", "name", "sex", "id_number", "employer", "category", "honours", "year", "remarks"]


def test_the_unions_roster_reads_every_person_with_title_level_and_year(importer, union_a):
    ri = importer.preview(education_roster())
    # Seven rows of six people; the blank row, the note and the signature line are not rows at all.
    assert {k: ri.counts[k] for k in ("rows", "new", "reject", "skip")} == {"rows": 7, "new": 7, "reject": 0, "skip": 0}
    assert ri.sheets == [
        {"name": "花名册", "state": "read", "header_row": 2, "rows": 7, "notes": 2, "union": None, "union_name": ""}
    ]
    importer.apply(ri)
    assert honours("陈建国") == [("江苏省劳动模范", PROV, MW, 2010)]
    assert honours("王秀英") == [("无锡市劳动模范", MUN, MW, 2015)]
    assert honours("李志强") == [("全国先进工作者", NAT, ADV, 2005)]
    assert honours("周丽华") == [("全国五一劳动奖章", NAT, MEDAL, 2019)]  # the category is the title
    assert honours("张卫东") == [("劳动模范", PROV, MW, 2020)]  # the category gives the level
    assert honours("刘海燕") == [("无锡市劳动模范", MUN, MW, 2008), ("江苏省劳动模范", PROV, MW, 2013)]
    levels = dict(ModelWorker.objects.values_list("name", "highest_level"))
    assert levels == {
        "陈建国": PROV,
        "王秀英": MUN,
        "李志强": NAT,
        "周丽华": Level.NONE,
        "张卫东": PROV,
        "刘海燕": PROV,
    }
    assert set(ModelWorker.objects.values_list("union", flat=True)) == {union_a.pk}
    assert ModelWorker.objects.get(name="王秀英").remarks == "已退休"


def test_a_lone_title_typed_into_a1_is_not_a_header_either(importer):
    data = xlsx(
        [
            ["梁溪区教育工会"],
            ["序号", "姓名", "身份证号", "荣誉称号", "级别", "年度"],
            [1, "顾一", idn((1960, 1, 1)), "劳动模范", "市级", 2001],
        ]
    )
    ri = importer.preview(data)
    assert (ri.header_row, ri.mapping) == (2, ["", "name", "id_number", "honours", "level", "year"])
    assert (ri.counts["new"], ri.counts["reject"]) == (1, 0)


def test_a_category_alone_is_the_title_its_level_and_its_kind(importer):
    data = xlsx(
        [
            ["姓名", "身份证号", "劳模类别", "获得年份"],
            ["类一", idn((1960, 1, 1), seq=1), "省劳模", 2004],
            ["类二", idn((1960, 1, 2), seq=2), "市劳模", 2007],
            ["类三", idn((1960, 1, 3), seq=3), "全国先进工作者", 2010],
            ["类四", idn((1960, 1, 4), seq=4), "省部级先进工作者", 2012],
            ["类五", idn((1960, 1, 5), seq=5), "全国五一劳动奖章获得者", 2016],
            ["类六", idn((1960, 1, 6), seq=6), "省部级", 2016],
        ]
    )
    ri = importer.preview(data)
    assert problems(ri) == [(7, "劳模类别", "“省部级”只写了级别，没有荣誉称号：请加一列“荣誉称号”。")]
    importer.apply(ri)
    assert [honours(f"类{n}") for n in "一二三四五"] == [
        [("省劳模", PROV, MW, 2004)],
        [("市劳模", MUN, MW, 2007)],
        [("全国先进工作者", NAT, ADV, 2010)],
        [("省部级先进工作者", PROV, ADV, 2012)],
        [("全国五一劳动奖章", NAT, MEDAL, 2016)],
    ]


def test_a_level_column_that_names_the_honour_is_its_title_too(importer):
    data = xlsx(
        [
            ["姓名", "身份证号", "荣誉称号", "级别", "年度"],
            ["级一", idn((1960, 1, 1), seq=1), None, "省劳模", 2004],
            ["级二", idn((1960, 1, 2), seq=2), "劳动模范", "市劳模", 2007],
            ["级三", idn((1960, 1, 3), seq=3), None, "省级", 2009],
        ]
    )
    ri = importer.preview(data)
    assert problems(ri) == [(4, "荣誉称号", "填写了级别或年度，但未填写荣誉称号。")]
    importer.apply(ri)
    assert (honours("级一"), honours("级二")) == ([("省劳模", PROV, MW, 2004)], [("劳动模范", MUN, MW, 2007)])


@pytest.mark.parametrize("year_header", ["年度", "获得年份", "获得时间", "表彰时间", "评选年度", "获得荣誉时间"])
def test_a_year_column_beside_the_title_is_the_award_year(importer, year_header):
    data = xlsx(
        [
            ["姓名", "身份证号", "荣誉称号", "级别", year_header],
            ["年一", idn((1960, 1, 1)), "劳动模范", "省级", "2015.04"],
        ]
    )
    ri = importer.preview(data)
    assert (ri.mapping[4], problems(ri)) == ("year", [])
    importer.apply(ri)
    assert honours("年一") == [("劳动模范", PROV, MW, 2015)]


# --- One sheet per union (item 17) --------------------------------------------------------------

UNION_HEADER = ["序号", "姓名", "性别", "身份证号", "工作单位", "荣誉称号", "级别", "获得年份"]


def union_sheet(title: str, people: list[list], total: list) -> dict:
    rows = [[title], UNION_HEADER, *people, [], total, ["注：以上信息经本人核实。"]]
    n = len(rows)
    return {"rows": rows, "merges": ("A1:H1", f"A{n}:H{n}")}


def one_sheet_per_union() -> bytes:
    return workbook(
        {
            "填表说明": {
                "rows": [["填表说明"], ["1. 每个基层工会填写一张工作表。"], ["2. 身份证号请以文本格式填写。"]]
            },
            "教育工会": union_sheet(
                "梁溪区教育工会劳模名册",
                [
                    [1, "教甲", "男", idn((1961, 1, 1), seq=31), "无锡市第一中学", "劳动模范", "省级", 2006],
                    [2, "教乙", "女", idn((1962, 2, 2), "F", 32), "梁溪区实验小学", "劳动模范", "市级", 2009],
                ],
                ["合计", "2人"],
            ),
            "卫健工会": union_sheet(
                "梁溪区卫生健康工会劳模名册",
                [
                    [1, "卫甲", "男", idn((1963, 3, 3), seq=33), "无锡市人民医院", "先进工作者", "全国", 2010],
                    [2, "卫乙", "女", idn((1964, 4, 4), "F", 34), "无锡市中医医院", "劳动模范", "市级", 2012],
                    [3, "卫丙", "男", idn((1965, 5, 5), seq=35), "梁溪区疾控中心", "五一劳动奖章", "全国", 2018],
                ],
                ["合计：3人"],
            ),
            "补充名单": {
                "rows": [
                    UNION_HEADER,
                    [1, "补甲", "女", idn((1966, 6, 6), "F", 36), "无锡机床厂", "劳动模范", "市级", 2015],
                ]
            },
            "一张隐藏的工作表": {
                "rows": [
                    UNION_HEADER,
                    [1, "藏甲", "男", idn((1967, 7, 7), seq=37), "某单位", "劳动模范", "市级", 2016],
                ],
                "state": "hidden",
            },
        }
    )


@pytest.fixture
def union_c(federation):
    return OrganisationFactory(name="梁溪区机械冶金工会", short_name="机冶工会", code="LX-003", parent=federation)


def test_every_visible_sheet_is_read_and_a_sheet_named_like_a_union_belongs_to_it(
    staff_user, union_a, union_b, union_c
):
    importer = Importer(staff_user, union_c)  # the union chosen at upload, for sheets that name none
    ri = importer.preview(one_sheet_per_union())
    assert ri.sheets == [
        {"name": "填表说明", "state": "no_header"},
        {
            "name": "教育工会",
            "state": "read",
            "header_row": 2,
            "rows": 2,
            "notes": 2,
            "union": union_a.pk,
            "union_name": "梁溪区教育工会",
        },
        {
            "name": "卫健工会",
            "state": "read",
            "header_row": 2,
            "rows": 3,
            "notes": 2,
            "union": union_b.pk,
            "union_name": "梁溪区卫生健康工会",
        },
        {"name": "补充名单", "state": "read", "header_row": 1, "rows": 1, "notes": 0, "union": None, "union_name": ""},
        {"name": "一张隐藏的工作表", "state": "hidden"},
    ]
    # Which sheet each row came from; the totals and notes are not rows, so none is rejected.
    assert stored(ri) == [
        ("教育工会", 3, RowAction.NEW),
        ("教育工会", 4, RowAction.NEW),
        ("卫健工会", 3, RowAction.NEW),
        ("卫健工会", 4, RowAction.NEW),
        ("卫健工会", 5, RowAction.NEW),
        ("补充名单", 2, RowAction.NEW),
    ]
    assert {k: ri.counts[k] for k in ("rows", "new", "reject")} == {"rows": 6, "new": 6, "reject": 0}
    importer.apply(ri)
    unions = dict(ModelWorker.objects.values_list("name", "union__short_name"))
    assert unions == {
        "教甲": "教育工会",
        "教乙": "教育工会",
        "卫甲": "卫健工会",
        "卫乙": "卫健工会",
        "卫丙": "卫健工会",
        "补甲": "机冶工会",
    }
    assert honours("卫丙") == [("五一劳动奖章", NAT, MEDAL, 2018)]
    assert not ModelWorker.objects.filter(name="藏甲").exists()


def test_a_union_user_imports_its_own_sheet_and_the_others_are_refused(union_user, union_a, union_b):
    ri = Importer(union_user, None).preview(one_sheet_per_union())
    refused = [
        (r.sheet, r.row_number, r.problems[0]["message"])
        for r in ImportRow.objects.filter(roster_import=ri, action=RowAction.REJECT).order_by("id")
    ]
    assert refused == [("卫健工会", n, "您只能为本工会添加人员。") for n in (3, 4, 5)]
    # The sheet named after no union takes the user's own union, chosen for them at upload.
    assert ri.counts["new"] == 3


def test_the_error_workbook_of_several_sheets_names_the_sheet_of_each_row(importer, tmp_path):

    header = ["姓名", "身份证号", "荣誉称号"]
    data = workbook(
        {
            "教育工会": {
                "rows": [header, ["好甲", idn((1960, 1, 1)), "2001年市劳模"], ["坏甲", "123", "2001年市劳模"]]
            },
            "卫健工会": {"rows": [header, ["坏乙", "456", "2002年市劳模"]]},
        }
    )
    ri = importer.preview(data)
    path = tmp_path / "errors.xlsx"
    assert exports.write_errors(ri, str(path)) == 2
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["工作表", "行号", "姓名", "身份证号", "荣誉称号", "原因"]
    assert [[c.value for c in row][:3] for row in sheet.iter_rows(min_row=2)] == [
        ["教育工会", 3, "坏甲"],
        ["卫健工会", 2, "坏乙"],
    ]


def test_sheets_of_one_template_in_another_column_order_share_the_columns(importer):
    data = workbook(
        {
            "一": {"rows": [["姓名", "身份证号", "荣誉称号"], ["序甲", idn((1960, 1, 1)), "2001年市劳模"]]},
            "二": {
                "rows": [
                    ["身份证号", "联系电话", "姓名", "荣誉称号"],
                    [idn((1961, 1, 1)), "13812345678", "序乙", "2003年省劳模"],
                ]
            },
        }
    )
    ri = importer.run(data)
    assert (ri.headers, ri.mapping) == (
        ["姓名", "身份证号", "荣誉称号", "联系电话"],
        ["name", "id_number", "honours", "phone"],
    )
    assert list(ImportRow.objects.filter(roster_import=ri).order_by("id").values_list("cells", flat=True)) == [
        ["序甲", idn((1960, 1, 1)), "2001年市劳模", None],
        ["序乙", idn((1961, 1, 1)), "2003年省劳模", "13812345678"],
    ]
    assert ModelWorker.objects.get(name="序乙").phone == "13812345678"


def test_the_top_of_a_sheet_never_continues_the_person_at_the_bottom_of_another(importer):
    header = ["姓名", "身份证号", "荣誉称号"]
    data = workbook(
        {
            "一": {"rows": [header, ["续甲", idn((1960, 1, 1)), "2001年市劳模"]]},
            "二": {"rows": [header, [None, None, "2005年省劳模"]]},
        }
    )
    ri = importer.preview(data)
    assert [
        (r.sheet, r.row_number, r.problems) for r in ImportRow.objects.filter(roster_import=ri, action=RowAction.REJECT)
    ] == [("二", 2, [{"column": "姓名", "message": "未填写姓名。"}])]


def test_sheet_names_that_name_a_union(union_a, union_b, federation):

    closed = OrganisationFactory(name="梁溪区已撤并工会", code="LX-009", parent=federation, is_active=False)
    organisations = [federation, union_a, union_b, closed]
    named = {
        name: getattr(union_for_sheet(name, organisations), "code", None)
        for name in (
            "教育工会",  # the short name
            "梁溪区教育工会",  # the full name
            "LX-002",  # the code
            "卫生健康工会",  # the end of the full name
            "梁溪区教育工会劳模名册",  # the name with the roster's word
            "教育工会 (2026)",
            "已撤并工会",  # a closed union: found, so its rows are refused with the reason
            "无锡市梁溪区总工会",  # the federation holds no people
            "工会",  # every union
            "Sheet1",
            "花名册",
        )
    }
    assert named == {
        "教育工会": "LX-001",
        "梁溪区教育工会": "LX-001",
        "LX-002": "LX-002",
        "卫生健康工会": "LX-002",
        "梁溪区教育工会劳模名册": "LX-001",
        "教育工会 (2026)": "LX-001",
        "已撤并工会": "LX-009",
        "无锡市梁溪区总工会": None,
        "工会": None,
        "Sheet1": None,
        "花名册": None,
    }


# --- Two more rosters as they are made ------------------------------------------------------------

REGISTER_HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "政治面貌",
    "文化程度",
    "身份证号码",
    "现工作单位及职务",
    "荣誉称号",
    "荣誉级别",
    "获得时间",
    "联系电话",
    "备注",
]


def registration_form() -> bytes:
    """劳模先进人物信息登记表: a title, a letterhead line, then one row per person."""
    return xlsx(
        [
            ["梁溪区劳模先进人物信息登记表"],
            ["填报单位：梁溪区卫生健康工会（盖章）", *[None] * 9, "填报日期：2026年3月10日"],
            REGISTER_HEADER,
            [
                1,
                "孙美华",
                "女",
                "汉族",
                "1963.08",
                "中共党员",
                "大学本科",
                idn((1963, 8, 21), "F", 21),
                "无锡市人民医院 主任医师",
                "劳动模范",
                "省部级",
                "2010.04",
                "13812345678",
            ],
            [
                2,
                "钱志明",
                "男",
                "汉族",
                "1970.03",
                "群众",
                "大专",
                idn((1970, 3, 5), "M", 22),
                "无锡市第二人民医院急诊科主任",
                "先进工作者",
                "全国",
                "2015年4月",
                "13912345678",
            ],
            [
                3,
                "赵丽娟",
                "女",
                "回族",
                "1975.12",
                "中共党员",
                "硕士研究生",
                idn((1975, 12, 1), "F", 23),
                "梁溪区疾病预防控制中心",
                "五一劳动奖章",
                "全国",
                "2018",
                "13700001111",
            ],
            [
                4,
                "吴国平",
                "男",
                "汉族",
                "1958.06",
                "中共党员",
                "高中",
                idn((1958, 6, 18), "M", 24),
                "无锡市中医医院/副院长",
                "2006年无锡市劳动模范；2012年江苏省劳动模范",
                None,
                None,
                None,
            ],
            [],
            ["注：1.荣誉级别填写全国、省部级、市级；2.获得时间填写表彰年月。"],
            ["审核人：", None, None, None, "填表人：王芳"],
        ],
        merges=("A1:N1", "A9:N9"),
    )


def test_a_registration_form_with_letterhead_and_combined_employer_and_position(importer):
    ri = importer.preview(registration_form())
    assert (ri.header_row, ri.header_rows) == (3, 1)
    assert ri.mapping == [
        "",
        "name",
        "sex",
        "ethnicity",
        "birth_date",
        "political_affiliation",
        "education",
        "id_number",
        "employer_position",
        "honours",
        "level",
        "year",
        "phone",
        "remarks",
    ]
    assert {k: ri.counts[k] for k in ("rows", "new", "reject")} == {"rows": 4, "new": 4, "reject": 0}
    importer.apply(ri)
    people = {
        w.name: (w.birth_date, w.ethnicity, w.political_affiliation, w.education, w.employer.name, w.position, w.phone)
        for w in ModelWorker.objects.select_related("employer")
    }
    assert people == {
        "孙美华": (dt.date(1963, 8, 21), "01", "01", "20", "无锡市人民医院", "主任医师", "13812345678"),
        "钱志明": (dt.date(1970, 3, 5), "01", "13", "30", "无锡市第二人民医院急诊科", "主任", "13912345678"),
        "赵丽娟": (dt.date(1975, 12, 1), "03", "01", "11", "梁溪区疾病预防控制中心", "", "13700001111"),
        "吴国平": (dt.date(1958, 6, 18), "01", "01", "60", "无锡市中医医院", "副院长", ""),
    }
    assert honours("孙美华") == [("劳动模范", PROV, MW, 2010)]
    assert honours("钱志明") == [("先进工作者", NAT, ADV, 2015)]
    assert honours("赵丽娟") == [("五一劳动奖章", NAT, MEDAL, 2018)]
    assert honours("吴国平") == [("无锡市劳动模范", MUN, MW, 2006), ("江苏省劳动模范", PROV, MW, 2012)]


def city_list() -> bytes:
    """市级以上劳模花名册: two title rows, a two-row header grouped under 基本情况 and 荣誉情况,
    section headings between the groups of people, a total; no ID numbers (a published list)."""
    return xlsx(
        [
            ["无锡市梁溪区市级以上劳模花名册"],
            ["（截至2025年12月31日）"],
            ["序号", "基本情况", None, None, None, None, "荣誉情况", None, "备注"],
            [None, "姓名", "性别", "出生年月", "工作单位", "职务", "类别", "评选年份", None],
            ["一、全国劳模及全国五一劳动奖章获得者"],
            [1, "顾永强", "男", "1956.10", "无锡市政公用集团", "高级技师", "全国劳模", 2000],
            [2, "沈静", "女", "1972.05", "梁溪区市场监督管理局", "科长", "全国五一劳动奖章获得者", 2016],
            ["二、省部级劳模"],
            [3, "陆建华", "男", "1961.03", "无锡威孚高科技集团", "车间主任", "省劳模", 2004],
            [4, "蒋敏", "女", "1969.09", "无锡市人民医院", "护士长", "省部级先进工作者", 2014],
            ["三、市级劳模"],
            [5, "韩伟", "男", "1978.01", "无锡地铁集团", "驾驶员", "市劳模", 2019, "2023年调入"],
            ["合计", "5人"],
        ],
        merges=("A1:I1", "A2:I2", "A3:A4", "B3:F3", "G3:H3", "I3:I4", "A5:I5", "A8:I8", "A11:I11"),
    )


def test_a_list_of_municipal_and_higher_model_workers_with_a_grouped_header_and_sections(importer):
    ri = importer.preview(city_list())
    # The merged cells fill the lower header row: it alone names every column.
    assert (ri.header_row, ri.header_rows) == (4, 1)
    assert ri.mapping == ["", "name", "sex", "birth_date", "employer", "position", "category", "year", "remarks"]
    assert {k: ri.counts[k] for k in ("rows", "new", "reject")} == {"rows": 5, "new": 5, "reject": 0}
    assert ri.sheets[0]["notes"] == 4  # three section headings and the total
    importer.apply(ri)
    assert {name: honours(name) for name in ("顾永强", "沈静", "陆建华", "蒋敏", "韩伟")} == {
        "顾永强": [("全国劳模", NAT, MW, 2000)],
        "沈静": [("全国五一劳动奖章", NAT, MEDAL, 2016)],
        "陆建华": [("省劳模", PROV, MW, 2004)],
        "蒋敏": [("省部级先进工作者", PROV, ADV, 2014)],
        "韩伟": [("市劳模", MUN, MW, 2019)],
    }
    gu = ModelWorker.objects.get(name="顾永强")
    assert (gu.sex, gu.birth_date, gu.position, gu.id_number) == ("M", dt.date(1956, 10, 1), "高级技师", None)
    assert ModelWorker.objects.get(name="韩伟").remarks == "2023年调入"
