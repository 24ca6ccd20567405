"""Pinyin keys for searching names: ``张三`` -> (``zhangsan``, ``zs``).

pypinyin reads a character as the commonest word would; surnames often read otherwise
(曾 is zeng, not ceng; 单 is shan), so the first character goes through a surname table.
"""

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT
from pypinyin.style import convert

COMPOUND_SURNAMES = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "长孙": ("zhang", "sun"),
    "慕容": ("mu", "rong"),
    "司徒": ("si", "tu"),
    "令狐": ("ling", "hu"),
    "宇文": ("yu", "wen"),
    "夏侯": ("xia", "hou"),
    "万俟": ("mo", "qi"),
    "端木": ("duan", "mu"),
}
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "区": "ou",
    "仇": "qiu",
    "解": "xie",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "覃": "qin",
    "翟": "zhai",
    "乐": "yue",
    "缪": "miao",
    "秘": "bi",
    "种": "chong",
    "繁": "po",
    "黑": "he",
    "冼": "xian",
    "员": "yun",
    "过": "guo",
    "召": "shao",
    "重": "chong",
    "长": "chang",
    "沈": "shen",
    "贾": "jia",
    "柏": "bai",
    "薄": "bo",
    "藏": "zang",
    "尉": "yu",
    "蕃": "pi",
    "隗": "wei",
    "相": "xiang",
    "卜": "bu",
    "纪": "ji",
    "那": "na",
    "宿": "su",
}


@lru_cache(maxsize=8192)
def _char(ch: str) -> str:
    out = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return "".join(out).lower()


def name_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) for a Chinese name, lower-case, no separators."""
    name = unicodedata.normalize("NFKC", name or "").strip()
    syllables: list[str] = []
    rest = name
    if name[:2] in COMPOUND_SURNAMES:
        syllables.extend(COMPOUND_SURNAMES[name[:2]])
        rest = name[2:]
    elif name[:1] in SURNAMES:
        syllables.append(SURNAMES[name[0]])
        rest = name[1:]
    for ch in rest:
        if ch.isascii():
            if ch.isalnum():
                syllables.append(ch.lower())
            continue
        syllables.append(_char(ch))
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def plain_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) without the surname readings: for given names on their own."""
    syllables = [_char(ch) for ch in unicodedata.normalize("NFKC", text or "") if not ch.isspace()]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows (ü written v, as in the search keys)."""

    out = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            syllable = convert(reading, Style.NORMAL, strict=True).replace("ü", "v")
            if syllable.isascii() and syllable.isalpha():
                out.add(syllable)
    return frozenset(out)


@lru_cache(maxsize=1)
def _syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in syllables() for i in range(1, len(s) + 1))


@lru_cache(maxsize=4096)
def is_pinyin_prefix(text: str) -> bool:
    """Could ``text`` be the start of a name typed in full pinyin (``zhangs`` yes, ``zs`` no)?"""
    text = text.lower()
    if not text.isascii() or not text.isalpha():
        return False
    whole, parts = syllables(), _syllable_prefixes()
    reachable = {0}
    for i in range(len(text) + 1):
        if i not in reachable:
            continue
        for j in range(i + 1, min(len(text), i + 6) + 1):
            piece = text[i:j]
            if j == len(text) and piece in parts:
                return True
            if piece in whole:
                reachable.add(j)
    return False
