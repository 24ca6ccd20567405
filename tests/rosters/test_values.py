import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongjiang.core.sheets import cells
from gongjiang.rosters import values as V


@pytest.mark.parametrize(
    ("raw", "date", "precision"),
    [
        ("1965.03", dt.date(1965, 3, 1), "month"),
        ("1965年3月", dt.date(1965, 3, 1), "month"),
        ("1965年03月17日", dt.date(1965, 3, 17), "day"),
        ("1965-3-1", dt.date(1965, 3, 1), "day"),
        ("1965/3/1", dt.date(1965, 3, 1), "day"),
        ("19650301", dt.date(1965, 3, 1), "day"),
        ("196503", dt.date(1965, 3, 1), "month"),
        ("１９６５．０３", dt.date(1965, 3, 1), "month"),
        (23802, dt.date(1965, 3, 1), "day"),  # an Excel date number
        (23802.0, dt.date(1965, 3, 1), "day"),
        (19650301, dt.date(1965, 3, 1), "day"),
        (dt.datetime(1965, 3, 1, 0, 0), dt.date(1965, 3, 1), "day"),
        ("2005", dt.date(2005, 1, 1), "year"),
        (2005.0, dt.date(2005, 1, 1), "year"),
        ("1965-03-01 00:00", dt.date(1965, 3, 1), "day"),
    ],
)
def test_dates_as_staff_type_them(raw, date, precision):
    assert cells.parse_date(raw) == cells.Date(date, precision)


@pytest.mark.parametrize("raw", ["1965.13", "昨天", "1965-02-30"])
def test_a_bad_date_says_how_to_write_it(raw):
    with pytest.raises(cells.Problem) as e:
        cells.parse_date(raw)
    assert "1965-03-01" in e.value.message


@pytest.mark.parametrize(
    "raw",
    ["11010519491231002x", " 11010519491231002X ", "１１０１０５１９４９１２３１００２Ｘ", "110105 19491231 002X"],
)
def test_id_numbers_as_staff_type_them(raw):
    assert V.parse_id_number(raw) == "11010519491231002X"


def test_an_id_number_excel_rounded_is_damaged_never_guessed(db):

    for raw in (3.20102e17, 320102196503011234, "3.20102E+17"):
        with pytest.raises((cells.Problem, ValidationError)) as e:
            V.parse_id_number(raw)
        message = getattr(e.value, "message", None) or " ".join(e.value.messages)
        assert "身份证号被 Excel 存成了数字" in message


def test_a_masked_id_number_from_an_export_is_no_information():
    assert V.parse_id_number("110105********002X") is None


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("全国", 1),
        ("国家级", 1),
        ("省级", 2),
        ("省部级", 2),
        ("省（部）级", 2),
        ("市级", 3),
        ("区级", 4),
        (" 市级 ", 3),
    ],
)
def test_levels(raw, level):
    assert V.parse_level(raw) == level


def test_sexes_statuses_and_code_tables():
    assert [V.parse_sex(s) for s in ("男", "女", " 男 ")] == ["M", "F", "M"]
    assert [V.parse_status(s) for s in ("在职", "退休", "已故")] == ["working", "retired", "deceased"]
    assert [V.parse_ethnicity(s) for s in ("汉族", "汉", "回族")] == ["01", "01", "03"]
    assert [V.parse_political(s) for s in ("中共党员", "党员", "群众")] == ["01", "01", "13"]
    assert [V.parse_education(s) for s in ("大专", "本科", "硕士研究生")] == ["30", "20", "11"]
    with pytest.raises(cells.Problem):
        V.parse_sex("未知")


def test_several_honours_in_one_cell():
    honours = V.parse_honours_cell("2005年省劳模、2010年全国劳模；2016年全国五一劳动奖章")
    assert honours == [
        V.HonourValue("省劳模", 2, "model_worker", 2005),
        V.HonourValue("全国劳模", 1, "model_worker", 2010),
        V.HonourValue("全国五一劳动奖章", 1, "may_day_medal", 2016),
    ]


def test_one_honour_with_its_level_and_year_in_their_own_columns():
    assert V.parse_honours_cell("劳动模范", level=3, year=2001) == [V.HonourValue("劳动模范", 3, "model_worker", 2001)]


def test_an_exported_honours_cell_reads_back():
    assert V.parse_honours_cell("2005年江苏省劳动模范；2010年全国先进工作者（已撤销）") == [
        V.HonourValue("江苏省劳动模范", 2, "model_worker", 2005),
        V.HonourValue("全国先进工作者", 1, "advanced_worker", 2010, revoked=True),
    ]


def test_an_honour_without_a_year_is_refused():
    with pytest.raises(cells.Problem) as e:
        V.parse_honours_cell("全国劳模")
    assert e.value.message == "荣誉“全国劳模”没有年份，请补上年份，如 2005年全国劳模。"
