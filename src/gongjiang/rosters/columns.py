"""Which column is which: the names staff use for each field, and finding the header row.

The header is found, not assumed: title rows and blank rows may sit above it, and a header
may span two rows (a merged "荣誉" over "称号 | 级别 | 年份"). Each candidate row is scored by
how many of its cells name a known field. A title ("梁溪区教育工会劳模名册（2026年）") never
names a column, and the notes under a table ("注：…", "合计") are not people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongjiang.core.sheets.cells import normalise_header

# Field key → (label shown in the mapping, the header names staff use). Order matters where a
# name could match two fields: the longer, more specific names come first in ALIASES below.
FIELDS: dict[str, tuple] = {
    "record_number": (_("Record number"), ["档案号", "档案编号"]),
    "name": (_("Name"), ["姓名", "名字", "劳模姓名", "职工姓名", "人员姓名"]),
    "sex": (_("Sex"), ["性别"]),
    "ethnicity": (_("Ethnicity"), ["民族"]),
    "birth_date": (_("Date of birth"), ["出生年月", "出生日期", "生日", "出生年月日", "出生时间"]),
    "id_number": (
        _("ID number"),
        [
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "身份证",
            "证件号",
            "证件号码",
            "身份证件号码",
            "身份号码",
        ],
    ),
    "employer": (
        _("Employer"),
        ["工作单位", "单位", "单位名称", "所在单位", "现工作单位", "现单位", "工作单位全称", "所在单位名称"],
    ),
    # "现工作单位及职务": registration forms put both in one cell ("无锡市人民医院 主任医师").
    "employer_position": (
        _("Employer and position"),
        ["工作单位及职务", "现工作单位及职务", "单位及职务", "工作单位及职务职称", "现工作单位及职务职称", "单位职务"],
    ),
    "position": (_("Position"), ["职务", "现任职务"]),
    "title_or_grade": (
        _("Professional title or skill grade"),
        ["职称", "技术等级", "职称或技术等级", "职称/技术等级", "专业技术职务", "技术职称", "技能等级"],
    ),
    "front_line": (
        _("Front line or harsh job"),
        ["基层一线或苦脏累险岗位", "是否一线", "是否基层一线", "基层一线", "一线职工", "是否一线职工", "苦脏累险岗位"],
    ),
    "honours": (
        _("Honour title"),
        [
            "荣誉称号",
            "称号",
            "荣誉",
            "获得荣誉",
            "荣誉称号名称",
            "所获荣誉",
            "获得称号",
            "劳模称号",
            "荣誉名称",
            "获奖情况",
            "荣誉情况",
            "主要荣誉",
            "荣誉称号及获得时间",
            "获得荣誉及时间",
        ],
    ),
    # 劳模类别 holds "省劳模", "全国五一劳动奖章": the title and its level in one word.
    "category": (
        _("Honour category"),
        ["劳模类别", "类别", "荣誉类别", "称号类别", "劳模类型", "荣誉类型", "劳模级别"],
    ),
    "level": (_("Honour level"), ["级别", "荣誉级别", "称号级别"]),
    "year": (
        _("Honour year"),
        [
            "授予时间",
            "获得时间",
            "年份",
            "表彰年度",
            "授予年份",
            "获得年份",
            "荣誉年份",
            "年度",
            "表彰时间",
            "表彰年份",
            "授予年度",
            "评选年度",
            "获评年度",
            "评选时间",
            "评选年份",
            "获得荣誉时间",
            "获奖时间",
            "获奖年份",
            "获评时间",
            "命名时间",
            "批准时间",
            "授予日期",
            "表彰日期",
            "获得日期",
        ],
    ),
    "awarding_body": (_("Awarding body"), ["授予机关", "表彰单位", "授予单位", "颁发单位", "批准机关", "表彰机关"]),
    "document_number": (_("Document number"), ["文号", "表彰文号", "批准文号", "文件号"]),
    "political_affiliation": (_("Political affiliation"), ["政治面貌"]),
    "education": (_("Education"), ["文化程度", "学历", "最高学历"]),
    "phone": (_("Phone"), ["联系电话", "手机", "电话", "手机号码", "联系方式", "手机号", "单位电话", "办公电话"]),
    "status": (_("Status"), ["状态", "人员状态", "在职状态", "在职/退休", "在职或退休", "在职退休", "现状"]),
    "retired": (_("Retired?"), ["是否退休"]),
    "retired_on": (_("Retirement date"), ["退休时间", "退休日期", "退休年月"]),
    "died_on": (_("Date of death"), ["去世时间", "去世日期", "逝世时间"]),
    "union": (_("Union"), ["所属工会", "工会", "基层工会", "工会名称", "基层工会名称"]),
    "address": (_("Address"), ["地址", "家庭住址", "住址", "现居住地址", "家庭地址"]),
    "remarks": (_("Remarks"), ["备注"]),
}
# Known columns we do not import; named here so that a longer name is not taken for a field
# it merely contains ("人员类别" is not 劳模类别, "单位性质" not the employer).
IGNORED = [
    "序号",
    "编号",
    "最高级别",
    "困难劳模",
    "年龄",
    "籍贯",
    "参加工作时间",
    "入党时间",
    "人员类别",
    "单位性质",
    "单位类型",
    "单位地址",
    "所属行业",
    "邮编",
    "邮政编码",
]


ALIASES: dict[str, str] = {}
for _key, (_label, _names) in FIELDS.items():
    for _name in _names:
        ALIASES[normalise_header(_name)] = _key
for _name in IGNORED:
    ALIASES[normalise_header(_name)] = ""


def field_for(header) -> str | None:
    """The field a header names: '' for a known column we skip, None for an unknown one."""
    key = normalise_header(header)
    if not key or is_title(header):
        return None
    if key in ALIASES:
        return ALIASES[key]
    # "荣誉称号名称", "出生年月(公历)": a known name inside a longer header.
    for alias, fieldname in sorted(ALIASES.items(), key=lambda kv: -len(kv[0])):
        if len(alias) >= 2 and alias in key:
            return fieldname
    return None


@dataclass
class Header:
    row: int  # 0-based index of the (last) header row
    rows: int  # 1 or 2 header rows
    names: list[str]  # header text per column, two-row headers joined ("荣誉/级别")
    fields: list[str | None]  # detected field per column


SCAN_ROWS = 30


def _score(names: list[str]) -> int:
    fields = [field_for(n) for n in names]
    return len({f for f in fields if f})


def find_header(rows: list[list]) -> Header | None:
    """The header among the first rows of a sheet; title and letterhead rows are never part of it."""
    rows = rows[: SCAN_ROWS + 1]
    width = max((len(r) for r in rows), default=0)
    cleaned = [None if is_title_row(raw) else _names(raw, width) for raw in rows]
    best: Header | None = None
    best_score = 1  # at least two known columns
    for r in range(min(SCAN_ROWS, len(rows))):
        top = cleaned[r]
        if top is None:
            continue
        score = _score(top)
        candidates = [(score, Header(r, 1, top, [field_for(n) for n in top]))]
        below = cleaned[r + 1] if r + 1 < len(rows) else None
        if below is not None:
            # A two-row header: the lower row names columns the upper one left blank or grouped.
            joined = []
            fields = []
            for upper, lower in zip(top, below, strict=True):
                lower_field = field_for(lower) if lower and lower != upper else None
                if lower_field:
                    joined.append(f"{upper}/{lower}" if upper else lower)
                    fields.append(lower_field)
                else:
                    joined.append(upper or lower)
                    fields.append(field_for(upper) if upper else field_for(lower))
            two = len({f for f in fields if f})
            # Two rows only when together they say more than either row alone.
            if two > max(score, _score(below)) and any(top) and _score(below) >= 1:
                candidates.append((two, Header(r + 1, 2, joined, fields)))
        for s, header in candidates:
            if s > best_score:
                best, best_score = header, s
    if best is not None:
        _dedupe(best)
    return best


def _names(raw: list, width: int) -> list[str]:
    """A row's header names; a title-like cell names no column."""
    names = ["" if is_title(c) else normalise_header(c) for c in raw]
    return names + [""] * (width - len(names))


def header_named(rows: list[list], names: list[str]) -> Header | None:
    """The row that repeats ``names`` (another sheet of the same template, whatever its headers say)."""
    wanted = _trimmed(names)
    if not wanted:
        return None
    for r, raw in enumerate(rows[:SCAN_ROWS]):
        row = [normalise_header(c) for c in raw]
        if _trimmed(row) == wanted:
            return Header(r, 1, row, [field_for(n) for n in row])
    return None


def _trimmed(names: list[str]) -> list[str]:
    out = list(names)
    while out and not out[-1]:
        out.pop()
    return out


# --- Titles and notes: rows that are not a table's header or a person ---------------------------

TITLE_WORDS = ("名册", "名单", "花名", "登记表", "统计表", "一览表", "汇总表", "信息表", "情况表", "明细表")
TITLE_WORDS += ("台账", "盖章")
_LABELLED = re.compile(r"[:：]\s*\S")  # "填报单位：梁溪区教育工会", "制表日期：2026年3月"
_PARENTHESES = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
TITLE_LENGTH = 16  # header names are short; "现工作单位及职务职称" has 10 characters


def is_title(text) -> bool:
    """A title or a letterhead line ("梁溪区教育工会劳模名册（2026年）", "填报单位：…"): it never names a column."""
    if not isinstance(text, str):
        return False
    plain = unicodedata.normalize("NFKC", text)
    bare = _PARENTHESES.sub("", plain)  # "出生年月（格式：1965.03）" is still a header
    if _LABELLED.search(bare) or any(word in plain for word in TITLE_WORDS):  # "…工会（盖章）"
        return True
    return len(normalise_header(bare)) > TITLE_LENGTH


def is_title_row(cells: list) -> bool:
    """A row that only titles the table: its one text alone or merged across, or nothing but title-like cells."""
    filled = [(i, c) for i, c in enumerate(cells) if c is not None and c != ""]
    if not filled:
        return False
    if all(is_title(c) for _i, c in filled):
        return True
    distinct = {normalise_header(c) for _i, c in filled}
    # One text: in the first column (a title typed into A1), or merged over several columns.
    return len(distinct) == 1 and (filled[0][0] == 0 or len(filled) >= 3)


# A footnote, a signature line or a total under the table ("注：以上信息经本人核实。", "填表人：…",
# "合计：3人"): not a person, so not a rejected row either.
_NOTE = re.compile(
    r"^(注($|[:、.．\d一二三四五六七八九十])|说明($|:)|备注:|附注|填表|填报|制表|审核|审批|经办|负责人|联系人"
    r"|联系电话|合计|总计|小计|共计|单位(盖章|公章)|[(]?盖章)"
)


def is_note_row(cells: list) -> bool:
    first = next((c for c in cells if c is not None and c != ""), None)
    if first is None:
        return False
    if isinstance(first, str) and _NOTE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", first))):
        return True
    # One text merged across the table (a heading such as "一、全国劳模"), or a lone title line.
    filled = [c for c in cells if c is not None and c != ""]
    if any(c != first for c in filled):
        return False
    return len(filled) >= 3 or is_title(first)


# --- The columns of an import over all its sheets ---------------------------------------------


class Columns:
    """The import's columns. Sheets made from one template share them; a column that only some
    sheets have is added once, so every row is stored in the same columns."""

    def __init__(self, names: list[str] | None = None):
        self.names: list[str] = list(names or [])
        self._by_name: dict[str, list[int]] = {}
        for j, name in enumerate(self.names):
            self._by_name.setdefault(name, []).append(j)

    def place(self, names: list[str]) -> tuple[list[int], list[int]]:
        """For each of a sheet's columns, the import column it goes to; and the columns it added."""
        index: list[int] = []
        added: list[int] = []
        taken: set[int] = set()
        for i, name in enumerate(names):
            if name:
                j = next((k for k in self._by_name.get(name, ()) if k not in taken), None)
            else:  # a column without a header: the same position, if that one has none either
                j = i if i < len(self.names) and not self.names[i] and i not in taken else None
            if j is None:
                j = self._add(name)
                added.append(j)
            taken.add(j)
            index.append(j)
        return index, added

    def widen(self, index: list[int], width: int) -> list[int]:
        """Cells beyond a sheet's header (a longer CSV line) get columns without a name."""
        added = []
        while len(index) < width:
            j = self._add("")
            index.append(j)
            added.append(j)
        return added

    def _add(self, name: str) -> int:
        self.names.append(name)
        self._by_name.setdefault(name, []).append(len(self.names) - 1)
        return len(self.names) - 1


def _dedupe(header: Header) -> None:
    """Two columns claiming one field: the first keeps it (a second 电话 is usually a landline)."""
    seen: set[str] = set()
    for i, f in enumerate(header.fields):
        if f and f in seen:
            header.fields[i] = None
        elif f:
            seen.add(f)


def signature(names: list[str]) -> str:
    """What identifies a file "of the same shape" for a saved mapping."""
    return "|".join(n for n in names)


def field_choices() -> list[tuple[str, str]]:
    return [("", _("(not imported)"))] + [(k, v[0]) for k, v in FIELDS.items()]
