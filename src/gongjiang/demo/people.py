"""Fictional, realistic model workers, fast enough for a million, with one history.

At the end of 2016, the seed article's year, the default archive holds 1,285 model workers at
municipal level and above by highest level: 19 national, 483 provincial and 783 municipal. The
rounds since (municipal 2019, 2022 and 2025, national 2020 and 2025, provincial 2021 and 2026)
honour 240 more people and raise some of the earlier ones, so the default archive holds 1,525
people today. Everyone is honoured in a round of their level (``data.AWARD_YEARS``), at 25
or older and while working; retires at the statutory age for their sex and post (the 2025
reform included); and, if they have died, died after their last title. Employers belong to the
person's union, and posts and grades to the employer's trade. Names are common Chinese names;
ID numbers are valid (GB 11643) and agree with the birth date and sex.

Rows are built with NumPy and written with the database's bulk path (COPY on PostgreSQL,
executemany on SQLite); the highest level is computed by the same rule the services use.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import connection
from django.utils import timezone

from gongjiang.accounts.models import Organisation
from gongjiang.archive.enums import HardshipCategory, HonourKind, Housing, Level, Relation, Status
from gongjiang.archive.models import Employer, Honour, ModelWorker
from gongjiang.archive.services import highest_level_of
from gongjiang.core.idcard import CHECK_CHARS, WEIGHTS
from gongjiang.core.pinyin import name_keys, plain_keys
from gongjiang.demo.data import (
    PUBLIC_EMPLOYERS,
    TRADES,
    award_years,
    grades_for,
    round_date,
    title_of,
    union_employers,
)
from gongjiang.demo.loading import bulk_insert

ARTICLE_YEAR = 2016
SEED_SPLIT = {Level.NATIONAL: 19, Level.PROVINCIAL: 483, Level.MUNICIPAL: 783}
# People first honoured at municipal level or above after 2016, at the default size: (level,
# round, people). They and the article's 1,285 make the default archive.
LATER = (
    (Level.MUNICIPAL, 2019, 72),
    (Level.NATIONAL, 2020, 1),
    (Level.PROVINCIAL, 2021, 12),
    (Level.MUNICIPAL, 2022, 70),
    (Level.MUNICIPAL, 2025, 72),
    (Level.NATIONAL, 2025, 1),
    (Level.PROVINCIAL, 2026, 12),
)
DEFAULT_SIZE = sum(SEED_SPLIT.values()) + sum(n for _lv, _y, n in LATER)
# The chance that someone still working is raised a level at a round after 2016 (once).
RISE = {Level.PROVINCIAL: 0.075, Level.NATIONAL: 0.012}  # municipal → provincial, provincial → national
REVOCATION_REASON = "推荐材料弄虚作假，撤销该称号"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"
AREA_CODES = ["320213"] * 6 + [
    "320202",
    "320203",
    "320204",
    "320211",
    "320205",
    "320206",
    "320281",
    "320282",
    "320102",
    "320583",
    "321002",
    "340104",
    "370102",
    "410105",
]
STREETS = [
    "中山路",
    "解放南路",
    "人民中路",
    "学前街",
    "崇宁路",
    "健康路",
    "清扬路",
    "南长街",
    "惠河路",
    "广益路",
    "通扬路",
    "太湖大道",
    "运河东路",
    "兴源路",
    "梁溪路",
    "五爱路",
]
EDUCATION_CODES = ["11", "20", "30", "40", "50", "60", "70"]
EDUCATION_P = {  # cadre posts, other posts
    True: [0.10, 0.48, 0.30, 0.12, 0.0, 0.0, 0.0],
    False: [0.0, 0.06, 0.16, 0.22, 0.2, 0.24, 0.12],
}
DEEDS = [
    "{name}同志扎根{employer}一线{years}年，刻苦钻研技术，先后完成技术革新{n}项，带出徒弟{m}名，为企业节约成本数百万元。",
    "{name}同志爱岗敬业、甘于奉献，在{employer}工作{years}年，始终坚持“干一行、爱一行、精一行”，多次在技能竞赛中获奖。",
    "{name}同志长期从事{position}工作，勇于创新，主持完成课题{n}项，获得国家专利{m}项，是职工身边的“明星员工”。",
    "{name}同志以“工匠精神”要求自己，{years}年如一日坚守岗位，热心传帮带，所带班组多次被评为先进集体。",
]


@dataclass
class DemoResult:
    people: int
    honours: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.people / self.seconds if self.seconds else 0.0


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Whole numbers in proportion to the weights, adding up to ``total`` (largest remainder)."""
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    parts = [int(q) for q in quotas]
    for i in sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))[: total - sum(parts)]:
        parts[i] += 1
    return parts


def later_counts(size: int, today: dt.date) -> list[tuple[int, int, int]]:
    """The people first honoured after 2016 in an archive of ``size``: (level, year, people),
    for the rounds held by ``today``, in proportion to the default archive."""
    held = [(lv, y, n) for lv, y, n in LATER if round_date(y) <= today]
    if not held:
        return []
    total = min(size - 1, round(size * sum(n for _lv, _y, n in held) / DEFAULT_SIZE))
    if total <= 0:
        return []
    parts = _apportion(total, [n for _lv, _y, n in held])
    return [(lv, y, k) for (lv, y, _n), k in zip(held, parts, strict=True) if k]


def level_counts(size: int) -> dict[int, int]:
    """People by highest level at the end of 2016: the article's split, in proportion."""
    if size == sum(SEED_SPLIT.values()):
        return dict(SEED_SPLIT)
    national = round(size * 19 / 1285)
    provincial = round(size * 483 / 1285)
    return {
        Level.NATIONAL: national,
        Level.PROVINCIAL: provincial,
        Level.MUNICIPAL: size - national - provincial,
    }


def ensure_employers(unions: list[Organisation]) -> dict[int, list[tuple[int, str, str, bool]]]:
    """Each union's employers as (id, name, kind, public), made once."""
    plan = dict(zip((u.pk for u in unions), union_employers([u.name for u in unions]), strict=True))
    existing = set(Employer.objects.values_list("name", flat=True))
    by_name = {u.pk: u for u in unions}
    Employer.objects.bulk_create(
        [
            Employer(name=name, union=by_name[union_pk])
            for union_pk, names in plan.items()
            for name, _kind in names
            if name not in existing
        ],
        ignore_conflicts=True,
    )
    ids = dict(Employer.objects.values_list("name", "pk"))
    public = {name for names in PUBLIC_EMPLOYERS.values() for name, _k in names}
    return {pk: [(ids[name], name, kind, name in public) for name, kind in names] for pk, names in plan.items()}


class _NamePool:
    def __init__(self, rng: np.random.Generator, size: int = 6000):
        surnames = list(SURNAMES)
        # Commoner surnames first: weights fall off like real frequencies.
        sw = np.array([1 / (i + 3) ** 0.9 for i in range(len(surnames))])
        self.surnames = surnames
        self.surname_p = sw / sw.sum()
        self.surname_keys = [name_keys(s) for s in surnames]
        self.given: dict[str, list[tuple[str, str, str]]] = {}
        for sex, chars in (("M", MALE_CHARS), ("F", FEMALE_CHARS)):
            draw = size * 2
            one = rng.random(draw) < 0.25
            first = rng.integers(0, len(chars), draw)
            second = rng.integers(0, len(chars), draw)
            names = dict.fromkeys(
                chars[a] if single else chars[a] + chars[b]
                for single, a, b in zip(one.tolist(), first.tolist(), second.tolist(), strict=True)
            )
            self.given[sex] = [(g, *plain_keys(g)) for g in list(names)[:size]]
        self.size = min(len(self.given["M"]), len(self.given["F"]))


def _id_numbers(rng, areas: np.ndarray, births: list[dt.date], sexes: np.ndarray) -> list[str]:
    n = len(births)
    seq = rng.integers(0, 500, n) * 2 + np.where(sexes == "M", 1, 0)
    first17 = [f"{a}{b:%Y%m%d}{s:03d}" for a, b, s in zip(areas, births, seq, strict=True)]
    digits = np.frombuffer("".join(first17).encode(), dtype=np.uint8).reshape(n, 17) - 48
    checks = (digits.astype(np.int64) @ np.array(WEIGHTS)) % 11
    ids = [f + CHECK_CHARS[c] for f, c in zip(first17, checks, strict=True)]
    seen: set[str] = set()
    out = []
    for i, value in enumerate(ids):
        while value in seen:  # rare: same area, birth date and sequence
            s = (int(value[14:17]) + 2) % 1000
            f17 = value[:14] + f"{s:03d}"
            total = sum(int(c) * w for c, w in zip(f17, WEIGHTS, strict=True))
            value = f17 + CHECK_CHARS[total % 11]
        seen.add(value)
        out.append(value)
        ids[i] = value
    return out


# --- Dates, vectorised (datetime64[D]) ----------------------------------------------------------

_ROUNDS = np.array([np.datetime64(round_date(y)) for y in range(1900, 2101)])


def _year(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def _add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The same day ``months`` later (the last day of a shorter month)."""
    start = days.astype("datetime64[M]")
    day = (days - start.astype("datetime64[D]")).astype(np.int64)
    moved = start + months
    length = ((moved + 1).astype("datetime64[D]") - moved.astype("datetime64[D]")).astype(np.int64)
    return moved.astype("datetime64[D]") + np.minimum(day, length - 1)


def _retirement(birth: np.ndarray, male: np.ndarray, cadre: np.ndarray) -> np.ndarray:
    """``data.retirement_date`` for many people at once."""
    age = np.where(male, 60, np.where(cadre, 55, 50))
    first = np.where(male, 1965, np.where(cadre, 1970, 1975))
    every = np.where(male | cadre, 4, 2)
    most = np.where(male | cadre, 36, 60)
    month = birth.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    after = month - (first - 1970) * 12
    delay = np.where(after < 0, 0, np.minimum(most, after // every + 1))
    return _add_months(birth, age * 12 + delay)


def _last_round_before(days: np.ndarray) -> np.ndarray:
    """The last year whose round fell strictly before each day."""
    year = _year(days)
    return year - (days <= _ROUNDS[np.clip(year - 1900, 0, len(_ROUNDS) - 1)])


def _pick_years(key: np.ndarray, years: tuple[int, ...], lo: np.ndarray, hi: np.ndarray):
    """For each person a year of ``years`` in [lo, hi]; and whether one exists."""
    if not years:
        return np.zeros(len(key), dtype=np.int64), np.zeros(len(key), dtype=bool)
    arr = np.array(years)
    first = np.searchsorted(arr, lo, side="left")
    last = np.searchsorted(arr, hi, side="right")  # exclusive
    span = last - first
    pick = first + np.where(span > 0, key % np.maximum(span, 1), 0)
    return arr[np.clip(pick, 0, len(arr) - 1)], span > 0


# --- The plan: everyone's life and honours, without the database --------------------------------


@dataclass
class Plan:
    """Rows ready for the bulk load, in the column order below."""

    workers: list[tuple] = field(default_factory=list)
    honours: list[tuple] = field(default_factory=list)
    hardships: list[tuple] = field(default_factory=list)
    families: list[tuple] = field(default_factory=list)


def _same(value):
    return value


def plan_people(
    size: int,
    *,
    seed: int,
    today: dt.date,
    unions: list[tuple[int, str]],
    employers: dict[int, list[tuple[int, str, str, bool]]],
    first_worker: int = 1,
    first_honour: int = 1,
    now=None,
    date_out: Callable = _same,
) -> Plan:
    """Everyone's life and honours for an archive of ``size`` people (deterministic for a seed
    and a day); ``unions`` are (id, name) and ``employers`` each union's (id, name, kind, public)."""
    rng = np.random.default_rng(seed)
    names = _NamePool(rng, size=min(6000, max(500, size)))
    n = size
    idx = np.arange(n)
    mw = HonourKind.MODEL_WORKER.value

    # Who: the article's people by their level at the end of 2016, then those honoured since.
    later = later_counts(size, today)
    counts = level_counts(n - sum(c for _lv, _y, c in later))
    first_level = np.concatenate(
        [np.full(c, int(lv)) for lv, c in counts.items()] + [np.full(c, int(lv)) for lv, _y, c in later]
    ).astype(np.int64)
    fixed_year = np.concatenate(
        [np.zeros(sum(counts.values()), dtype=np.int64)] + [np.full(c, y) for _lv, y, c in later]
    ).astype(np.int64)
    order = rng.permutation(n)
    first_level, fixed_year = first_level[order], fixed_year[order]
    is_later = fixed_year > 0
    is_article = ~is_later

    # Where they work and what they do there.
    male = rng.random(n) < 0.62
    sexes = np.where(male, "M", "F")
    union_names = [name for _pk, name in unions]
    union_weights = np.array(
        [3.0 if name in PUBLIC_EMPLOYERS else (2.0 if "有限公司" in name else 1.0) for name in union_names]
    )
    union_idx = rng.choice(len(unions), n, p=union_weights / union_weights.sum())
    union_pks = np.array([pk for pk, _name in unions])[union_idx]
    flat = [e for pk, _name in unions for e in employers[pk]]
    lens = np.array([len(employers[pk]) for pk, _name in unions])
    offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
    emp_i = offsets[union_idx] + rng.integers(0, 1 << 30, n) % lens[union_idx]
    kinds = list(TRADES)
    emp_kind = np.array([kinds.index(kind) for _pk, _name, kind, _public in flat])[emp_i]
    emp_public = np.array([public for *_rest, public in flat])[emp_i]
    employer_ids = np.array([pk for pk, *_rest in flat])[emp_i]
    employer_names = [name for _pk, name, *_rest in flat]
    posts = [(k, post, cadre) for k, kind in enumerate(kinds) for post, cadre in TRADES[kind].posts]
    post_lens = np.array([len(TRADES[kind].posts) for kind in kinds])
    post_offsets = np.concatenate([[0], np.cumsum(post_lens)[:-1]])
    post_i = post_offsets[emp_kind] + rng.integers(0, 1 << 30, n) % post_lens[emp_kind]
    cadre = np.array([c for _k, _p, c in posts])[post_i]
    grade_lists = [grades_for(TRADES[kind], c) for kind in kinds for c in (False, True)]
    grades = [g for listed in grade_lists for g in listed]
    grade_lens = np.array([len(listed) for listed in grade_lists])
    grade_offsets = np.concatenate([[0], np.cumsum(grade_lens)[:-1]])
    grade_key = emp_kind * 2 + cadre
    grade_i = grade_offsets[grade_key] + rng.integers(0, 1 << 30, n) % grade_lens[grade_key]
    # Public institutions' people are advanced workers, most of them.
    honour_kind = np.where(emp_public & (rng.random(n) < 0.8), HonourKind.ADVANCED_WORKER.value, mw)

    # When they were born, retire and die. Higher honours go to older people, on average; the
    # later people were honoured at 26 to the last year before retirement.
    retire_age = np.where(male, 60, np.where(cadre, 55, 50))
    base_year = np.select([first_level == Level.NATIONAL, first_level == Level.PROVINCIAL], [1953, 1957], 1962)
    birth_year = np.clip(base_year + np.round(rng.normal(0, 10, n)).astype(np.int64), 1932, 1990)
    age_first = np.clip(np.round(rng.normal(41, 7, n)).astype(np.int64), 26, retire_age - 1)
    birth_year = np.where(is_later, fixed_year - age_first, birth_year)
    birth_doy = rng.integers(0, 365, n)
    death_age = (np.clip(rng.normal(84, 8, n), 56, 104) * 365.25).astype(np.int64)
    death_age = np.where(is_later, np.maximum(death_age, (age_first + 2) * 366), death_age)
    top_year = fixed_year.copy()
    mw_years = {lv: award_years(lv, mw, today) for lv in (Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL)}
    by_2016 = {lv: tuple(y for y in years if y <= ARTICLE_YEAR) for lv, years in mw_years.items()}
    for attempt in range(200):
        birth = (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + birth_doy
        retire = _retirement(birth, male, cadre)
        died = birth + death_age
        hi = _last_round_before(np.minimum(retire, died))  # titles come while working
        lo = birth_year + 26  # and at 25 or older
        ok = is_later.copy()
        for lv in (Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL):
            m = is_article & (first_level == lv)
            years, good = _pick_years(
                idx[m] * 7, by_2016[lv], lo[m] + (8 if lv == Level.NATIONAL else 0), np.minimum(hi[m], ARTICLE_YEAR)
            )
            top_year[m], ok[m] = years, good
        bad = ~ok
        if not bad.any():
            break
        if attempt > 150:
            raise RuntimeError("the demo could not place every title")
        # Too young to hold the title by 2016, or out of work before a round: born a little earlier,
        # and living a little longer.
        birth_year[bad] = np.clip(birth_year[bad] - rng.integers(1, 4, bad.sum()), 1932, 1990)
        death_age[bad] = np.maximum(death_age[bad], 80 * 365)

    plans: list[tuple] = [(idx, first_level, honour_kind, top_year, None)]

    def earlier(mask, level_of, kind_of, lo_, hi_, salt):
        """Honours below the defining one, kept only where a round fits the person."""
        who = idx[mask]
        lvls = level_of if isinstance(level_of, np.ndarray) else np.full(len(who), int(level_of))
        kds = kind_of if isinstance(kind_of, np.ndarray) else np.full(len(who), kind_of)
        years = np.zeros(len(who), dtype=np.int64)
        good = np.zeros(len(who), dtype=bool)
        for lv in np.unique(lvls):
            for kd in np.unique(kds):
                sub = (lvls == lv) & (kds == kd)
                years[sub], good[sub] = _pick_years(
                    who[sub] * salt, award_years(int(lv), kd, today), lo_[sub], hi_[sub]
                )
        plans.append((who[good], lvls[good], kds[good], years[good], None))

    roll = (idx * 2654435761 % 1000) / 1000
    # The later people held nothing at municipal level or above by 2016.
    low_floor = np.where(is_later, np.maximum(lo, ARTICLE_YEAR + 1), lo)
    m = (first_level <= Level.PROVINCIAL) & (roll < 0.6)
    earlier(m, first_level[m] + 1, honour_kind[m], low_floor[m], top_year[m] - 1, 3)
    m = (first_level == Level.NATIONAL) & (roll < 0.35)
    earlier(m, Level.MUNICIPAL, honour_kind[m], low_floor[m], top_year[m] - 3, 5)
    m = (first_level == Level.MUNICIPAL) & (roll > 0.7)
    earlier(m, Level.DISTRICT, honour_kind[m], lo[m] - 3, top_year[m] - 1, 3)
    medal = HonourKind.MAY_DAY_MEDAL.value
    m = ((first_level <= Level.PROVINCIAL) & (roll > 0.8)) | (is_later & (roll > 0.9))
    earlier(m, np.minimum(first_level[m], Level.PROVINCIAL), medal, lo[m], hi[m], 11)

    # The rounds after 2016 raise some of those still working, once.
    level_now = first_level.copy()
    last_year = top_year.copy()
    risen = np.zeros(n, dtype=bool)
    for year, to in sorted((y, lv) for lv in RISE for y in mw_years[lv] if y > ARTICLE_YEAR):
        start = lo + (8 if to == Level.NATIONAL else 0)
        take = (level_now == to + 1) & ~risen & (last_year < year) & (start <= year) & (year <= hi)
        take &= rng.random(n) < RISE[to]
        plans.append((idx[take], np.full(take.sum(), int(to)), honour_kind[take], np.full(take.sum(), year), None))
        level_now[take], last_year[take] = to, year
        risen |= take

    # Now and then a provincial title won on falsified materials was revoked two years on; the
    # earlier municipal title, honestly won, stands (and is what the counts see).
    m = is_article & (first_level == Level.MUNICIPAL) & (idx % 173 == 11)
    years, good = _pick_years(idx[m] * 13, by_2016[Level.PROVINCIAL], top_year[m] + 1, np.minimum(hi[m], 2011))
    who = idx[m][good]
    revoked = _ROUNDS[years[good] - 1900] + 500 + (who % 300)
    keep = revoked < died[who]
    plans.append(
        (
            who[keep],
            np.full(keep.sum(), int(Level.PROVINCIAL)),
            honour_kind[who[keep]],
            years[good][keep],
            revoked[keep],
        )
    )

    # Status from the dates.
    today_np = np.datetime64(today)
    dead = died < today_np
    retired = (retire <= today_np) & (retire < died)
    status = np.where(dead, Status.DECEASED.value, np.where(retired, Status.RETIRED.value, Status.WORKING.value))
    hardship_roll = rng.random(n)
    in_hardship = ~dead & np.where(retired, hardship_roll < 0.09, hardship_roll < 0.015)

    education = np.where(
        cadre,
        rng.choice(EDUCATION_CODES, n, p=EDUCATION_P[True]),
        rng.choice(EDUCATION_CODES, n, p=EDUCATION_P[False]),
    )
    political = rng.choice(["01", "13", "05", "10", "12", "03"], n, p=[0.64, 0.26, 0.03, 0.03, 0.02, 0.02])
    phones = rng.integers(10**8, 10**9 - 1, n)
    phone_prefix = rng.choice(["13", "15", "18", "17", "19"], n)
    streets = rng.integers(0, len(STREETS), n)
    house_no = rng.integers(1, 400, n)
    areas = np.array(AREA_CODES)[rng.integers(0, len(AREA_CODES), n)]
    surname_idx = rng.choice(len(names.surnames), n, p=names.surname_p)
    given_idx = rng.integers(0, names.size, n)
    births = birth.astype(object).tolist()
    id_numbers = _id_numbers(rng, areas, births, sexes)
    retired_on = np.where(retired, retire, np.datetime64("NaT")).astype(object).tolist()
    died_on = np.where(dead, died, np.datetime64("NaT")).astype(object).tolist()
    worked_years = np.clip(np.minimum(_year(np.minimum(retire, died)), today.year) - birth_year - 21, 3, 45)
    first_mw_year = top_year.copy()
    for who_, lvls, kds, years_, _rev in plans[1:]:
        mwk = (kds != medal) & (lvls <= Level.MUNICIPAL)
        np.minimum.at(first_mw_year, who_[mwk], years_[mwk])

    plan = Plan()
    wids = first_worker + idx
    d = date_out
    _honour_rows(plan, plans, wids, first_honour, now, d)
    _check_highest(plan.honours, level_now, first_worker)
    deeds_for_all = size <= 20_000
    surnames, surname_keys = names.surnames, names.surname_keys
    given_m, given_f = names.given["M"], names.given["F"]
    post_names = [p for _k, p, _c in posts]
    for i in range(n):
        male_i = bool(male[i])
        given, g_full, g_init = (given_m if male_i else given_f)[given_idx[i]]
        s_full, s_init = surname_keys[surname_idx[i]]
        name = surnames[surname_idx[i]] + given
        position = post_names[post_i[i]]
        deeds = ""
        if deeds_for_all or i % 100 == 0:
            deeds = DEEDS[i % len(DEEDS)].format(
                name=name,
                employer=employer_names[emp_i[i]],
                years=int(worked_years[i]),
                n=2 + i % 9,
                m=3 + i % 12,
                position=position,
            )
        wid = int(wids[i])
        hard = bool(in_hardship[i])
        plan.workers.append(
            (
                wid,
                name,
                s_full + g_full,
                s_init + g_init,
                "M" if male_i else "F",
                "01" if i % 31 else "03",
                d(births[i]),
                id_numbers[i],
                id_numbers[i][-4:],
                str(political[i]),
                str(education[i]),
                int(employer_ids[i]),
                position,
                grades[grade_i[i]],
                not bool(cadre[i]),  # a post that is not a cadre's: the front line
                int(union_pks[i]),
                f"{phone_prefix[i]}{phones[i]:09d}",
                f"无锡市梁溪区{STREETS[streets[i]]}{house_no[i]}号",
                str(status[i]),
                d(retired_on[i]),
                d(died_on[i]),
                "",
                deeds,
                "",
                int(level_now[i]),
                hard,
                None,
                "",
                now,
                now,
                1,
            )
        )
        if hard:
            age = today.year - int(birth_year[i])
            opened = dt.date(max(2015, int(first_mw_year[i]) + 1, retired_on[i].year if retired_on[i] else 0), 3, 1)
            _hardship(plan, i, wid, hardship_roll[i], min(opened, today - dt.timedelta(days=30)), age, now, d)
            _family(plan, i, wid, hardship_roll[i], age, male_i, names, surname_idx[i], given_idx[i], now)
    return plan


def _honour_rows(plan: Plan, plans: list[tuple], wids: np.ndarray, first_honour: int, now, d) -> None:
    hid = first_honour
    titles: dict[tuple, tuple[str, str, str]] = {}
    for who, lvls, kds, years, revoked in plans:
        revoked_on = [None] * len(who) if revoked is None else revoked.astype(object).tolist()
        for i, lv, kd, year, rev in zip(
            who.tolist(), lvls.tolist(), kds.tolist(), years.tolist(), revoked_on, strict=True
        ):
            key = (lv, kd, year, i % 3 if lv == Level.DISTRICT else 0)
            if key not in titles:
                titles[key] = title_of(lv, kd, year, i)
            title, body, document = titles[key]
            plan.honours.append(
                (
                    hid,
                    int(wids[i]),
                    title,
                    kd,
                    lv,
                    body,
                    year,
                    document,
                    d(rev),
                    REVOCATION_REASON if rev else "",
                    None,
                    "",
                    "",
                    now,
                    now,
                )
            )
            hid += 1


def _hardship(plan: Plan, i: int, wid: int, roll: float, opened: dt.date, age: int, now, d) -> None:
    illness = roll < 0.03
    family_size = 1 + int(roll * 1000) % 4
    income = [2100, 2650, 3100, 3400][int(roll * 10000) % 4]
    plan.hardships.append(
        (
            wid,
            True,
            HardshipCategory.SPECIAL if illness else HardshipCategory.GENERAL,
            d(opened),
            None,
            "",
            "患有慢性病，需长期服药" if illness else "身体状况一般",
            bool(illness),
            Decimal(income),
            Decimal(income + 1800 * (family_size - 1)),
            family_size,
            [Housing.OWNED, Housing.RENTED, Housing.PUBLIC, Housing.WITH_CHILDREN][i % 4],
            Decimal(45 + i % 40),
            "",
            "希望得到医疗费用方面的帮助" if illness else "希望解决住房维修困难",
            "",
            now,
        )
    )


def _family(plan: Plan, i, wid, roll, age, male_i, names, surname_i, given_i, now) -> None:
    family_size = 1 + int(roll * 1000) % 4
    surnames = names.surnames
    for k in range(family_size - 1):
        relation = Relation.SPOUSE if k == 0 else Relation.CHILD
        pool = names.given["F"] if (male_i and k == 0) else names.given["M"]
        if relation == Relation.SPOUSE:
            employment, income = ("退休", 1800) if age >= 58 else ("企业职工", 4200)
        else:
            employment, income = ("企业职工", 4200) if age >= 45 else ("学生", 0)
        plan.families.append(
            (
                wid,
                relation,
                surnames[(surname_i + 3 * k + 1) % len(surnames)] + pool[(given_i + k) % names.size][0],
                None,
                employment,
                "良好" if k else "一般",
                Decimal(income),
                "",
                "",
                None,
                "",
                now,
            )
        )


def generate(size: int = DEFAULT_SIZE, *, seed: int = 20161, today: dt.date | None = None) -> DemoResult:
    """Add ``size`` people to an empty archive, their history up to ``today``. Deterministic
    for a seed and a day."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    unions = list(Organisation.objects.filter(kind="grassroots").order_by("sort_order", "code"))
    employers = ensure_employers(unions)
    with connection.cursor() as c:
        c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {ModelWorker._meta.db_table}")
        next_worker = c.fetchone()[0] + 1
        c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Honour._meta.db_table}")
        next_honour = c.fetchone()[0] + 1
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # SQLite's driver would adapt each date on its own; giving it text up front halves the load.
    d = (lambda v: v and v.isoformat()) if connection.vendor == "sqlite" else _same
    plan = plan_people(
        size,
        seed=seed,
        today=today,
        unions=[(u.pk, u.name) for u in unions],
        employers=employers,
        first_worker=next_worker,
        first_honour=next_honour,
        now=now,
        date_out=d,
    )
    bulk_insert(plan.workers, plan.honours, plan.hardships, plan.families)
    return DemoResult(people=size, honours=len(plan.honours), seconds=time.perf_counter() - started)


def _check_highest(honour_rows, levels, next_worker, sample: int = 2000) -> None:
    """The level each person was drawn to hold today, checked by the services' own rule on a
    sample rather than trusted from the construction."""
    by_worker: dict[int, list] = {}
    for row in honour_rows:
        if row[1] - next_worker < sample:
            by_worker.setdefault(row[1], []).append((row[3], row[4], row[8], row[10]))
    for wid, honours in by_worker.items():
        expected = int(levels[wid - next_worker])
        got = highest_level_of(honours)
        if got != expected:
            raise AssertionError(f"demo person {wid}: highest level {got}, drew {expected}")
