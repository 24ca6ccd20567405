"""Which column is which: the names staff use for each field, and finding the header row.

The header is found, not assumed: title rows and blank rows may sit above it, and a header
may span two rows (a merged "荣誉" over "称号 | 级别 | 年份"). Each candidate row is scored by
how many of its cells name a known field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Field key → (label shown in the mapping, the header names staff use). Order matters where a
# name could match two fields: the longer, more specific names come first in ALIASES below.
FIELDS: dict[str, tuple] = {
    "record_number": (_("Record number"), ["档案号", "档案编号"]),
    "name": (_("Name"), ["姓名", "名字"]),
    "sex": (_("Sex"), ["性别"]),
    "ethnicity": (_("Ethnicity"), ["民族"]),
    "birth_date": (_("Date of birth"), ["出生年月", "出生日期", "生日", "出生年月日"]),
    "id_number": (
        _("ID number"),
        ["身份证号", "身份证号码", "公民身份号码", "身份证", "证件号", "证件号码", "身份证件号码"],
    ),
    "employer": (_("Employer"), ["工作单位", "单位", "单位名称", "所在单位", "现工作单位"]),
    "position": (_("Position"), ["职务"]),
    "title_or_grade": (_("Professional title or skill grade"), ["职称", "技术等级", "职称或技术等级", "职称/技术等级"]),
    "honours": (_("Honour title"), ["荣誉称号", "称号", "荣誉", "获得荣誉", "荣誉称号名称"]),
    "level": (_("Honour level"), ["级别", "荣誉级别", "称号级别"]),
    "year": (_("Honour year"), ["授予时间", "获得时间", "年份", "表彰年度", "授予年份", "获得年份", "荣誉年份"]),
    "awarding_body": (_("Awarding body"), ["授予机关", "表彰单位", "授予单位", "颁发单位"]),
    "document_number": (_("Document number"), ["文号", "表彰文号"]),
    "political_affiliation": (_("Political affiliation"), ["政治面貌"]),
    "education": (_("Education"), ["文化程度", "学历"]),
    "phone": (_("Phone"), ["联系电话", "手机", "电话", "手机号码", "联系方式"]),
    "status": (_("Status"), ["状态", "人员状态", "在职状态"]),
    "retired": (_("Retired?"), ["是否退休"]),
    "retired_on": (_("Retirement date"), ["退休时间", "退休日期"]),
    "died_on": (_("Date of death"), ["去世时间", "去世日期", "逝世时间"]),
    "union": (_("Union"), ["所属工会", "工会", "基层工会"]),
    "address": (_("Address"), ["地址", "家庭住址", "住址"]),
    "remarks": (_("Remarks"), ["备注"]),
}
IGNORED = ["序号", "编号", "最高级别", "困难劳模", "年龄"]


def normalise_header(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[\s*＊:：]", "", text)
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", text)  # (必填), (YYYY-MM-DD) ...
    return text.strip()


ALIASES: dict[str, str] = {}
for _key, (_label, _names) in FIELDS.items():
    for _name in _names:
        ALIASES[normalise_header(_name)] = _key
for _name in IGNORED:
    ALIASES[normalise_header(_name)] = ""


def field_for(header) -> str | None:
    """The field a header names: '' for a known column we skip, None for an unknown one."""
    key = normalise_header(header)
    if not key:
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
    best: Header | None = None
    best_score = 1  # at least two known columns
    for r in range(min(SCAN_ROWS, len(rows))):
        top = [normalise_header(c) for c in rows[r]]
        score = _score(top)
        candidates = [(score, Header(r, 1, top, [field_for(n) for n in top]))]
        if r + 1 < len(rows):
            below = [normalise_header(c) for c in rows[r + 1]]
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
