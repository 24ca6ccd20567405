"""Cell values as they come, made into the archive's values — or a Chinese reason why not.

ID numbers with a lowercase x, full-width digits or spaces, and the ones Excel rounded into
floats (reported as damaged, never guessed); sexes, levels, statuses and code tables by the
words staff use. Text and dates as any spreadsheet gives them are ``core.sheets.cells``'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongjiang.archive import validation
from gongjiang.archive.codes import EDUCATIONS, ETHNICITIES, POLITICAL_AFFILIATIONS
from gongjiang.archive.enums import HonourKind, Level, Sex, Status
from gongjiang.core import idcard
from gongjiang.core.sheets.cells import Problem, parse_date, text


def parse_year(value) -> int | None:
    d = parse_date(value)
    return d.value.year if d else None


# --- Identity --------------------------------------------------------------------------------


def parse_id_number(value) -> str | None:
    """A canonical ID number; a masked one (from an export) is None: it is not information."""
    if value is None or value == "":
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: an 18-digit number stored as a number is damaged.
        raise Problem(validation.id_message("scientific"))
    s = idcard.normalize(str(value))
    if not s:
        return None
    if "*" in s:
        return None
    info = validation.clean_id_number(s)  # raises ValidationError with the Chinese reason
    return info.number if info else None


SEXES = {
    "男": Sex.MALE,
    "女": Sex.FEMALE,
    "M": Sex.MALE,
    "F": Sex.FEMALE,
    "1": Sex.MALE,
    "2": Sex.FEMALE,
    "男性": Sex.MALE,
    "女性": Sex.FEMALE,
}


def parse_sex(value) -> str | None:
    s = text(value).upper()
    if not s:
        return None
    if s in SEXES:
        return SEXES[s]
    raise Problem(_("“%(v)s” is not a sex: write 男 or 女.") % {"v": text(value)})


def _by_name(table: list[tuple[str, str]], aliases: dict[str, str], value, what: str) -> str | None:
    s = text(value)
    if not s:
        return None
    for code, name in table:
        if s in (name, code):
            return code
    if s in aliases:
        return aliases[s]
    for alias, code in aliases.items():
        if alias in s:
            return code
    raise Problem(_("“%(v)s” is not a known %(what)s.") % {"v": s, "what": what})


ETHNICITY_ALIASES = {name.removesuffix("族"): code for code, name in ETHNICITIES if name.endswith("族")}
POLITICAL_ALIASES = {
    "中国共产党党员": "01",
    "共产党员": "01",
    "党员": "01",
    "中共预备党员": "02",
    "预备党员": "02",
    "共青团员": "03",
    "团员": "03",
    "民革": "04",
    "民盟": "05",
    "民建": "06",
    "民进": "07",
    "农工党": "08",
    "致公党": "09",
    "九三学社": "10",
    "台盟": "11",
    "无党派": "12",
    "群众": "13",
}
EDUCATION_ALIASES = {
    "博士": "10",
    "硕士": "11",
    "研究生": "11",
    "本科": "20",
    "大学": "20",
    "大专": "30",
    "专科": "30",
    "中专": "40",
    "中技": "40",
    "技校": "50",
    "高中": "60",
    "职高": "60",
    "初中": "70",
    "小学": "80",
    "文盲": "80",
}


def parse_ethnicity(value) -> str | None:
    return _by_name(ETHNICITIES, ETHNICITY_ALIASES, value, str(_("ethnicity")))


def parse_political(value) -> str | None:
    return _by_name(POLITICAL_AFFILIATIONS, POLITICAL_ALIASES, value, str(_("political affiliation")))


def parse_education(value) -> str | None:
    return _by_name(EDUCATIONS, EDUCATION_ALIASES, value, str(_("education")))


STATUSES = {
    "在职": Status.WORKING,
    "在岗": Status.WORKING,
    "在编": Status.WORKING,
    "退休": Status.RETIRED,
    "离休": Status.RETIRED,
    "退职": Status.RETIRED,
    "已退休": Status.RETIRED,
    "去世": Status.DECEASED,
    "已故": Status.DECEASED,
    "死亡": Status.DECEASED,
    "逝世": Status.DECEASED,
    "已去世": Status.DECEASED,
}


def parse_status(value) -> str | None:
    s = text(value)
    if not s:
        return None
    if s in STATUSES:
        return STATUSES[s]
    raise Problem(_("“%(v)s” is not a status: write 在职, 退休 or 去世.") % {"v": s})


def parse_yes_no(value) -> bool | None:
    s = text(value)
    if not s:
        return None
    if s in ("是", "Y", "y", "1", "已退休", "退休"):
        return True
    if s in ("否", "N", "n", "0", "在职"):
        return False
    raise Problem(_("“%(v)s” is not yes or no: write 是 or 否.") % {"v": s})


def parse_front_line(value) -> bool:
    """是否一线: 是/否, or the words a form uses (一线, √)."""
    s = text(value)
    if s in ("是", "Y", "y", "1", "√", "一线", "基层一线"):
        return True
    if s in ("否", "N", "n", "0", "×", "非一线"):
        return False
    raise Problem(_("“%(v)s” is not yes or no: write 是 or 否.") % {"v": s})


# --- Honours ---------------------------------------------------------------------------------

LEVELS = [
    (Level.NATIONAL, ("全国", "国家级", "国家", "中华全国", "国务院")),
    (Level.PROVINCIAL, ("省部级", "省（部）级", "省(部)级", "省级", "部级", "省")),
    (Level.MUNICIPAL, ("市级", "地市级", "市")),
    (Level.DISTRICT, ("区级", "县级", "区县级", "区", "县")),
]


def parse_level(value) -> int | None:
    s = text(value)
    if not s:
        return None
    for level, words in LEVELS:
        if s in words:
            return int(level)
    for level, words in LEVELS:
        if any(w in s for w in words):
            return int(level)
    raise Problem(_("“%(v)s” is not a level: write 全国, 省级, 市级 or 区级.") % {"v": s})


def level_from_title(title: str) -> int | None:
    for level, words in LEVELS:
        if any(title.startswith(w) or f"{w}级" in title for w in words):
            return int(level)
    for level, words in LEVELS:
        if any(w in title for w in words if len(w) > 1):
            return int(level)
    if re.search(r"[省]", title):
        return int(Level.PROVINCIAL)
    if re.search(r"[市]", title):
        return int(Level.MUNICIPAL)
    if re.search(r"[区县]", title):
        return int(Level.DISTRICT)
    return None


def kind_from_title(title: str) -> str:
    if "五一" in title and "奖章" in title:
        return HonourKind.MAY_DAY_MEDAL
    if "先进工作者" in title:
        return HonourKind.ADVANCED_WORKER
    if "劳模" in title or "劳动模范" in title:
        return HonourKind.MODEL_WORKER
    return HonourKind.OTHER


def names_an_honour(value) -> bool:
    """Whether a cell names the honour itself ("省劳模", "全国五一劳动奖章"), not only a level ("省级")."""
    return kind_from_title(text(value)) != HonourKind.OTHER


@dataclass(frozen=True, slots=True)
class HonourValue:
    title: str
    level: int
    kind: str
    year: int
    revoked: bool = False


_SPLIT = re.compile(r"[；;、，,\n]+")
_ENTRY = re.compile(r"^(?P<year>\d{4})\s*年?\s*(?:获)?\s*(?:得)?\s*(?P<title>.+?)$")
_ENTRY_TRAILING_YEAR = re.compile(r"^(?P<title>.+?)[（(]?(?P<year>\d{4})\s*年?[)）]?$")
REVOKED = ("（已撤销）", "(已撤销)", "已撤销")


def parse_honours_cell(value, *, level=None, year=None, category=None) -> list[HonourValue]:
    """One cell holding one honour ("全国劳模") or several ("2005年省劳模、2010年全国劳模").

    ``level`` and ``year`` come from their own columns when the roster has them. ``category``
    is a 劳模类别 cell: "省劳模", "全国先进工作者" or "全国五一劳动奖章获得者" name the title, its
    level and its kind at once, "省部级" only the level. It is the title when the honour cell is
    the category itself (a roster with no 荣誉称号 column, or the cell left blank).
    """
    s = text(value)
    if not s:
        return []
    cat = text(category).removesuffix("获得者") if category is not None else ""
    cat_level = level_from_title(cat) if cat else None
    cat_kind = kind_from_title(cat) if cat else HonourKind.OTHER
    if cat and s == text(category):
        if cat_kind == HonourKind.OTHER:
            raise Problem(
                _("“%(v)s” gives the level but not the honour title: add a 荣誉称号 column.") % {"v": text(category)}
            )
        s = cat
    parts = [p.strip() for p in _SPLIT.split(s) if p.strip()]
    out = []
    for part in parts:
        revoked = any(part.endswith(mark) for mark in REVOKED)
        for mark in REVOKED:
            part = part.removesuffix(mark)
        m = _ENTRY.match(part) or _ENTRY_TRAILING_YEAR.match(part)
        title = (m.group("title") if m else part).strip(" 年（）()")
        entry_year = int(m.group("year")) if m else year
        if entry_year is None:
            raise Problem(_("The honour “%(t)s” has no year: add the year, e.g. 2005年%(t)s.") % {"t": title})
        single = len(parts) == 1
        entry_level = (level if single and level else None) or (cat_level if single else None)
        entry_level = entry_level or level_from_title(title)
        if entry_level is None:
            raise Problem(_("The level of the honour “%(t)s” is unclear: write it with 全国, 省 or 市.") % {"t": title})
        kind = kind_from_title(title)
        if kind == HonourKind.OTHER and single:
            kind = cat_kind  # "劳动模范" is clear; a title such as "荣誉" takes the category's kind
        out.append(HonourValue(title=title, level=entry_level, kind=kind, year=entry_year, revoked=revoked))
    return out


# Where a cell holds both ("梁溪区实验小学校长"), the position is the known word it ends with.
POSITIONS = sorted(
    {
        "校长",
        "副校长",
        "书记",
        "副书记",
        "主任",
        "副主任",
        "经理",
        "副经理",
        "总经理",
        "副总经理",
        "厂长",
        "副厂长",
        "院长",
        "副院长",
        "所长",
        "局长",
        "处长",
        "科长",
        "股长",
        "站长",
        "馆长",
        "董事长",
        "总工程师",
        "工程师",
        "高级工程师",
        "技师",
        "高级技师",
        "教师",
        "高级教师",
        "医师",
        "主任医师",
        "副主任医师",
        "护士长",
        "班长",
        "组长",
        "班组长",
        "队长",
        "车间主任",
        "工人",
        "职工",
        "员工",
        "会计",
        "驾驶员",
    },
    key=len,
    reverse=True,
)
_BETWEEN = re.compile(r"\s*[ /／，,、；;]\s*")


def split_employer_position(value) -> tuple[str, str]:
    """A 工作单位及职务 cell as (employer, position): "无锡市人民医院 主任医师", "无锡机床厂厂长".

    Split at a space or comma; without one, at a known position word it ends with. Otherwise
    the whole cell is the employer: a position is never guessed out of an employer's name.
    """
    s = text(value)
    if not s:
        return "", ""
    pieces = _BETWEEN.split(s, maxsplit=1)
    if len(pieces) == 2 and pieces[0] and pieces[1]:
        return pieces[0], pieces[1]
    for word in POSITIONS:
        if s.endswith(word) and len(s) - len(word) >= 2:
            return s[: -len(word)], word
    return s, ""
