"""How the committed .xls and .ods fixtures were made (run once; needs xlwt, not a dependency):

    uv run --with xlwt python tests/rosters/data/make_fixtures.py

The .xls is written by xlwt (BIFF8, as old Excel and WPS save it); the .ods is assembled by
hand from its XML, as LibreOffice would.
"""

import zipfile
from pathlib import Path

HERE = Path(__file__).parent
TITLE = "梁溪区劳模名册（旧版）"
HEADER = ["姓名", "性别", "出生日期", "身份证号", "工作单位", "荣誉称号", "级别", "授予时间"]
ROWS = [
    ["孙建华", "男", "1962-04-05", "320213196204050013", "无锡锡城精密机械有限公司", "劳动模范", "市级", "2001"],
    ["周丽萍", "女", "1968.07", "320213196807150021", "梁溪区人民医院", "先进工作者", "省级", "2010"],
    ["吴国强", "男", "1955年12月", "320213195512010019", "太湖公交集团有限公司", "全国劳模", "全国", "2000"],
]


def make_xls() -> None:
    # Lazy: xlwt is no dependency of the project; only whoever remakes the .xls fixture installs it.
    import xlwt  # noqa: PLC0415

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, TITLE)
    for col, name in enumerate(HEADER):
        sheet.write(1, col, name)
    for r, row in enumerate(ROWS, start=2):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    book.save(str(HERE / "old_roster.xls"))


def cell(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def make_ods() -> None:
    rows = [[TITLE], [], HEADER, *ROWS]
    body = "".join(
        f"<table:table-row>{''.join(cell(v) for v in row) or '<table:table-cell/>'}</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(HERE / "new_roster.ods", "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    make_xls()
    make_ods()
