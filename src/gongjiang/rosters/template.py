"""The blank import template: the columns the importer reads, with drop-down lists for the coded
ones (sex, ethnicity, political affiliation, education, union, status, level) and a sheet of
instructions."""

from __future__ import annotations

import datetime as dt

import xlsxwriter
from django.utils.translation import gettext as _

from gongjiang.archive.codes import EDUCATIONS, ETHNICITIES, POLITICAL_AFFILIATIONS
from gongjiang.archive.forms import unions_for

COLUMNS = [
    ("姓名", 10, None),
    ("性别", 6, "sex"),
    ("民族", 8, "ethnicity"),
    ("出生日期", 12, "date"),
    ("身份证号", 21, "text"),
    ("政治面貌", 12, "political"),
    ("文化程度", 14, "education"),
    ("工作单位", 28, None),
    ("职务", 12, None),
    ("职称或技术等级", 14, None),
    ("所属工会", 22, "union"),
    ("联系电话", 14, "text"),
    ("地址", 28, None),
    ("状态", 8, "status"),
    ("退休时间", 12, "date"),
    ("去世时间", 12, "date"),
    ("荣誉称号", 20, None),
    ("级别", 10, "level"),
    ("授予时间", 10, None),
    ("授予机关", 18, None),
    ("文号", 16, None),
    ("备注", 20, None),
]
LISTS = {
    "sex": ["男", "女"],
    "status": ["在职", "退休", "去世"],
    "level": ["全国", "省（部）级", "市级", "区级"],
    "ethnicity": [name for _code, name in ETHNICITIES],
    "political": [name for _code, name in POLITICAL_AFFILIATIONS],
    "education": [name for _code, name in EDUCATIONS],
}
ROWS = 2000


def write_template(path: str, *, user) -> None:
    lists = dict(LISTS)
    lists["union"] = [u.name for u in unions_for(user)]
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("劳模花名册")
    codes = book.add_worksheet("代码表")
    help_sheet = book.add_worksheet("填写说明")
    head = book.add_format({"bold": True, "bg_color": "#EEF0F3", "border": 1})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    # Long lists live on a sheet of their own: Excel limits an inline list to 255 characters.
    refs = {}
    for col, (key, items) in enumerate(lists.items()):
        codes.write_string(0, col, key)
        for row, item in enumerate(items, start=1):
            codes.write_string(row, col, item)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        refs[key] = f"=代码表!${letter}$2:${letter}${len(items) + 1}"
    codes.hide()
    for col, (name, width, kind) in enumerate(COLUMNS):
        sheet.write_string(0, col, name, head)
        sheet.set_column(col, col, width, text if kind == "text" else date if kind == "date" else None)
        if kind in refs:
            sheet.data_validation(
                1,
                col,
                ROWS,
                col,
                {
                    "validate": "list",
                    "source": refs[kind],
                    "error_title": _("Choose from the list"),
                    "error_message": _("Pick a value from the drop-down list."),
                },
            )
        if kind == "date":
            sheet.data_validation(
                1,
                col,
                ROWS,
                col,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": dt.date(1900, 1, 1),
                    "maximum": dt.date(2100, 12, 31),
                    "error_message": _("Enter a date such as 1965-03-01."),
                },
            )
    sheet.freeze_panes(1, 1)
    notes = [
        "每位劳模可以占一行（多项荣誉写在“荣誉称号”一格，如：2005年省劳模、2010年全国劳模），也可以每项荣誉占一行（同一身份证号的多行视为同一人）。",
        "身份证号请按文本填写（本模板已设为文本格式），18 位，末位 X 大小写均可。",
        "出生日期、退休时间可写成 1965-03-01、1965.03、1965年3月 等形式。",
        "没有身份证号的人员，系统按“姓名+出生日期”查找已有档案，由您在预览中确认是否为同一人。",
        "导入前会先显示预览：新增、更新、未变化和被拒绝的行；确认后才会写入。空白单元格不会清除已有数据。",
    ]
    help_sheet.set_column(0, 0, 110)
    for i, note in enumerate(notes):
        help_sheet.write_string(i, 0, f"{i + 1}. {note}")
    book.close()
