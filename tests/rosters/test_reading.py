"""Reading files row by row (issue 10, item 14: the memory of reading), and the rules that tell
a title, a note or a heading from a header or a person."""

import io
import tracemalloc

import openpyxl
import pytest
import xlsxwriter

from gongjiang.core.sheets import reader
from gongjiang.rosters import columns as C
from gongjiang.rosters import values as V
from gongjiang.rosters.models import ImportRow
from tests.rosters.conftest import idn, problems


def test_reading_a_large_sheet_holds_one_row_at_a_time(tmp_path):
    path = tmp_path / "大名册.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, ["序号", "姓名", "性别", "身份证号", "工作单位", "荣誉称号", "级别", "年份"])
    for r in range(1, 30_001):
        sheet.write_row(
            r, 0, [r, f"姓名{r}", "男", f"32021319600101{r:04d}", f"单位{r % 300}", "劳动模范", "市级", 2001]
        )
    book.close()
    opened = reader.open_book(path.read_bytes(), path.name)
    tracemalloc.start()
    try:
        count, last = 0, None
        for row in opened.open_sheet("花名册").rows:
            count, last = count + 1, row
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (count, last[:2]) == (30_001, [30_000, "姓名30000"])
    # Held as lists of Python values, the sheet would take some 15 MB; one row at a time, a few kB.
    assert peak < 1024 * 1024, peak


def test_a_table_that_does_not_start_in_a1_keeps_the_sheets_row_numbers(importer):
    book = openpyxl.Workbook()
    sheet = book.active
    for ref, value in {"B3": "姓名", "C3": "身份证号", "D3": "荣誉称号", "B4": "好人", "C4": idn((1960, 1, 1))}.items():
        sheet[ref] = value
    sheet["D4"] = "2001年市劳模"
    sheet["B5"], sheet["C5"], sheet["D5"] = "坏号", "123", "2001年市劳模"
    buf = io.BytesIO()
    book.save(buf)
    ri = importer.preview(buf.getvalue())
    assert (ri.header_row, ri.mapping) == (3, ["", "name", "id_number", "honours"])
    assert [(row, column) for row, column, _m in problems(ri)] == [(5, "身份证号")]


def test_a_merged_cell_fills_every_row_and_column_it_covers():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["姓名", "荣誉称号", "年份"],
        ["王五", "市劳模", 2001],
        [None, "省劳模", 2006],
        ["赵六", "市劳模", 2004],
    ):
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    buf = io.BytesIO()
    book.save(buf)
    grid, fmt = reader.read(buf.getvalue(), "名册.xlsx")
    assert (fmt, [r[0] for r in grid.rows]) == ("xlsx", ["姓名", "王五", "王五", "赵六"])


def test_a_csv_line_longer_than_the_header_keeps_its_extra_cells(importer):
    text = f"姓名,身份证号,荣誉称号\n长行,{idn((1960, 1, 1))},2001年市劳模,多出的一格\n"
    ri = importer.preview(text.encode("utf-8"), name="名册.csv")
    assert (ri.headers, ri.mapping, ri.counts["new"]) == (
        ["姓名", "身份证号", "荣誉称号", ""],
        ["name", "id_number", "honours", ""],
        1,
    )
    assert ImportRow.objects.get(roster_import=ri).cells == ["长行", idn((1960, 1, 1)), "2001年市劳模", "多出的一格"]


def test_hidden_and_very_hidden_sheets_are_listed_not_read():
    book = openpyxl.Workbook()
    book.active.title = "名册"
    book.create_sheet("隐藏").sheet_state = "hidden"
    book.create_sheet("深藏").sheet_state = "veryHidden"
    buf = io.BytesIO()
    book.save(buf)
    opened = reader.open_book(buf.getvalue(), "名册.xlsx")
    assert [(s.name, s.state, s.readable) for s in opened.sheets] == [
        ("名册", "visible", True),
        ("隐藏", "hidden", False),
        ("深藏", "very_hidden", False),
    ]


@pytest.mark.parametrize(
    ("row", "title"),
    [
        (["梁溪区教育工会劳模名册（2026年）"] * 9, True),  # merged across the table
        (["梁溪区教育工会", None, None], True),  # typed into A1 alone
        (["填报单位：梁溪区教育工会", None, None, "填报日期：2026年3月"], True),
        ([None, None, "荣誉", None, None], False),  # a group over some columns of a two-row header
        (["姓名", "身份证号", "荣誉称号"], False),
    ],
)
def test_title_rows(row, title):
    assert C.is_title_row(row) is title


@pytest.mark.parametrize(
    ("row", "note"),
    [
        (["注：以上信息经本人核实。"] * 9, True),
        (["注:1.级别填写全国、省部级、市级"], True),
        (["说明：身份证号以文本格式填写"], True),
        (["填表人：李明", None, "联系电话：0510-82712345"], True),
        (["合计", "3人", None], True),
        ([None, "合计：3人"], True),
        (["一、全国劳模"] * 5, True),  # a heading merged across the table
        (["梁溪区教育工会（盖章）"], True),
        ([1, "张三", "男"], False),
        ([None, None, "2005年省劳模"], False),  # the next honour of the person above
        (["注册会计师", None], False),
        ([None, None], False),
    ],
)
def test_notes_under_a_table_are_not_people(row, note):
    assert C.is_note_row(row) is note


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("劳模类别", "category"),
        ("类别", "category"),
        ("年度", "year"),
        ("表彰时间", "year"),
        ("获得荣誉时间", "year"),
        ("现工作单位及职务", "employer_position"),
        ("人员类别", ""),
        ("单位性质", ""),
        ("梁溪区教育工会劳模名册（2026年）", None),  # a title names no column, though it contains 工会
        ("2026年度劳模名册", None),
    ],
)
def test_header_names_from_real_rosters(header, field):
    assert C.field_for(header) == field


@pytest.mark.parametrize(
    ("cell", "category", "honour"),
    [
        ("省劳模", "省劳模", V.HonourValue("省劳模", 2, "model_worker", 2010)),
        (
            "全国五一劳动奖章获得者",
            "全国五一劳动奖章获得者",
            V.HonourValue("全国五一劳动奖章", 1, "may_day_medal", 2010),
        ),
        ("劳动模范", "省劳模", V.HonourValue("劳动模范", 2, "model_worker", 2010)),
        ("荣誉", "全国先进工作者", V.HonourValue("荣誉", 1, "advanced_worker", 2010)),
        ("劳动模范", "市级", V.HonourValue("劳动模范", 3, "model_worker", 2010)),
    ],
)
def test_a_category_gives_the_title_level_and_kind(cell, category, honour):
    assert V.parse_honours_cell(cell, year=2010, category=category) == [honour]


@pytest.mark.parametrize(
    ("cell", "split"),
    [
        ("无锡市人民医院 主任医师", ("无锡市人民医院", "主任医师")),
        ("无锡市中医医院/副院长", ("无锡市中医医院", "副院长")),
        ("无锡机床厂厂长", ("无锡机床厂", "厂长")),
        ("梁溪区实验小学校长", ("梁溪区实验小学", "校长")),
        ("梁溪区疾病预防控制中心", ("梁溪区疾病预防控制中心", "")),
        ("主任", ("主任", "")),
    ],
)
def test_employer_and_position_in_one_cell(cell, split):
    assert V.split_employer_position(cell) == split


def test_a_csv_that_is_not_text_is_refused_with_a_clear_message(importer):
    ri = importer.preview(b"\x81\x30\xff\xfe\x00 not text", name="名册.csv")
    assert (ri.status, ri.message) == ("failed", "无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。")
