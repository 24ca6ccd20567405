"""Fictional, realistic model workers, fast enough for a million.

The default (1,285 people) reproduces the seed article: 19 national, 483 provincial and 783
municipal model workers by highest level. Names are common Chinese names; ID numbers are valid
(GB 11643) and agree with the birth date and sex; honours fall in the years their level is
awarded; older people are retired or deceased; some have hardship files and family members.

Rows are built with NumPy and written with the database's bulk path (COPY on PostgreSQL,
executemany on SQLite); the highest level is computed by the same rule the services use.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from gongjiang.accounts.models import Organisation
from gongjiang.archive.enums import HardshipCategory, HonourKind, Housing, Level, Relation, Status
from gongjiang.archive.models import Employer, FamilyMember, HardshipFile, Honour, ModelWorker
from gongjiang.archive.services import highest_level_of
from gongjiang.core.idcard import CHECK_CHARS, WEIGHTS
from gongjiang.core.pinyin import name_keys, plain_keys

SEED_SPLIT = {Level.NATIONAL: 19, Level.PROVINCIAL: 483, Level.MUNICIPAL: 783}

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
EMPLOYER_PREFIXES = [
    "锡城",
    "梁溪",
    "运河",
    "惠泉",
    "太湖",
    "南禅",
    "清扬",
    "崇安",
    "金匮",
    "锡山",
    "蠡湖",
    "二泉",
    "东林",
    "梅园",
    "鼋头",
    "江南",
    "吴韵",
    "泰伯",
]
EMPLOYER_TRADES = [
    ("精密机械有限公司", "机械"),
    ("纺织集团有限公司", "纺织"),
    ("电子科技有限公司", "电子"),
    ("建设工程有限公司", "建筑"),
    ("物流有限公司", "物流"),
    ("餐饮管理有限公司", "餐饮"),
    ("环境卫生服务有限公司", "环卫"),
    ("燃气有限公司", "燃气"),
    ("公共交通有限公司", "公交"),
    ("医药连锁有限公司", "医药"),
    ("商业大厦有限公司", "商贸"),
    ("食品有限公司", "食品"),
    ("热电有限公司", "热电"),
    ("数控设备有限公司", "机械"),
    ("服饰有限公司", "纺织"),
    ("物业管理有限公司", "物业"),
]
PUBLIC_EMPLOYERS = {
    "梁溪区教育工会": [
        "梁溪区实验小学",
        "梁溪区第一中学",
        "梁溪区第二中学",
        "梁溪区崇安实验小学",
        "梁溪区南长实验中学",
        "梁溪区幼儿园",
        "梁溪区职业教育中心",
        "梁溪区特殊教育学校",
    ],
    "梁溪区卫生健康工会": [
        "梁溪区人民医院",
        "梁溪区中医医院",
        "梁溪区妇幼保健院",
        "梁溪区疾病预防控制中心",
        "崇安寺社区卫生服务中心",
        "广益社区卫生服务中心",
    ],
    "梁溪区机关工会": [
        "梁溪区人民政府办公室",
        "梁溪区发展和改革委员会",
        "梁溪区财政局",
        "梁溪区人力资源和社会保障局",
    ],
    "梁溪区城市管理工会": ["梁溪区城市管理局", "梁溪区环境卫生管理处", "梁溪区市政设施养护处"],
}
POSITIONS = [
    "车间主任",
    "班组长",
    "技术员",
    "工程师",
    "高级技师",
    "项目经理",
    "主任医师",
    "护士长",
    "教师",
    "教研组长",
    "驾驶员",
    "调度员",
    "维修电工",
    "焊工",
    "营业员",
    "厨师长",
    "环卫工人",
    "总经理",
    "副总经理",
    "质检员",
]
GRADES = [
    "高级工程师",
    "工程师",
    "高级技师",
    "技师",
    "高级工",
    "副主任医师",
    "主任医师",
    "高级教师",
    "一级教师",
    "正高级工程师",
    "",
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
YEARS = {
    Level.NATIONAL: [1979, 1989, 1995, 2000, 2005, 2010, 2015, 2020, 2025],
    Level.PROVINCIAL: list(range(1980, 2026, 5)),
    Level.MUNICIPAL: list(range(1980, 2026, 3)),
    Level.DISTRICT: list(range(1981, 2026, 2)),
}
TITLES = {
    (Level.NATIONAL, HonourKind.MODEL_WORKER): ("全国劳动模范", "国务院"),
    (Level.NATIONAL, HonourKind.ADVANCED_WORKER): ("全国先进工作者", "国务院"),
    (Level.NATIONAL, HonourKind.MAY_DAY_MEDAL): ("全国五一劳动奖章", "中华全国总工会"),
    (Level.PROVINCIAL, HonourKind.MODEL_WORKER): ("江苏省劳动模范", "江苏省人民政府"),
    (Level.PROVINCIAL, HonourKind.ADVANCED_WORKER): ("江苏省先进工作者", "江苏省人民政府"),
    (Level.PROVINCIAL, HonourKind.MAY_DAY_MEDAL): ("江苏省五一劳动奖章", "江苏省总工会"),
    (Level.MUNICIPAL, HonourKind.MODEL_WORKER): ("无锡市劳动模范", "无锡市人民政府"),
    (Level.MUNICIPAL, HonourKind.ADVANCED_WORKER): ("无锡市先进工作者", "无锡市人民政府"),
    (Level.DISTRICT, HonourKind.MODEL_WORKER): ("梁溪区劳动模范", "梁溪区人民政府"),
    (Level.DISTRICT, HonourKind.ADVANCED_WORKER): ("梁溪区先进工作者", "梁溪区人民政府"),
}
DOC_PREFIX = {
    Level.NATIONAL: "国发",
    Level.PROVINCIAL: "苏政发",
    Level.MUNICIPAL: "锡政发",
    Level.DISTRICT: "梁政发",
}
DEEDS = [
    "{name}同志扎根{employer}一线{years}年，刻苦钻研技术，先后完成技术革新{n}项，带出徒弟{m}名，为企业节约成本数百万元。",
    "{name}同志爱岗敬业、甘于奉献，在{employer}工作期间始终坚持“干一行、爱一行、精一行”，多次在技能竞赛中获奖。",
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


def level_counts(size: int) -> dict[int, int]:
    if size == 1285:
        return dict(SEED_SPLIT)
    national = round(size * 19 / 1285)
    provincial = round(size * 483 / 1285)
    return {
        Level.NATIONAL: national,
        Level.PROVINCIAL: provincial,
        Level.MUNICIPAL: size - national - provincial,
    }


def ensure_employers(unions: list[Organisation], rng: np.random.Generator) -> dict[int, list[int]]:
    """Employers per union: named public bodies for the public-sector unions, companies for the rest."""
    by_union: dict[int, list[int]] = {}
    existing = {e.name: e for e in Employer.objects.all()}
    new = []
    plan: dict[int, list[str]] = {}
    for i, union in enumerate(unions):
        if union.name in PUBLIC_EMPLOYERS:
            names = PUBLIC_EMPLOYERS[union.name]
        elif union.name.endswith("有限公司工会"):
            names = [union.name.removesuffix("工会")]
        else:
            names = []
            for j in range(6):
                prefix = EMPLOYER_PREFIXES[(i * 7 + j * 3) % len(EMPLOYER_PREFIXES)]
                trade = EMPLOYER_TRADES[(i * 5 + j) % len(EMPLOYER_TRADES)][0]
                names.append(f"无锡{prefix}{trade}")
        plan[union.pk] = names
        for name in names:
            if name not in existing:
                emp = Employer(name=name, union=union)
                existing[name] = emp
                new.append(emp)
    Employer.objects.bulk_create(new, ignore_conflicts=True)
    ids = dict(Employer.objects.values_list("name", "pk"))
    for union_pk, names in plan.items():
        by_union[union_pk] = [ids[n] for n in names]
    return by_union


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


def _pick_years(rng_index: np.ndarray, level: int, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each person a year in [lo, hi] in which ``level`` is awarded; and whether one exists."""
    years = np.array(YEARS[level])
    first = np.searchsorted(years, lo, side="left")
    last = np.searchsorted(years, hi, side="right")  # exclusive
    span = last - first
    pick = first + np.where(span > 0, rng_index % np.maximum(span, 1), 0)
    return years[np.clip(pick, 0, len(years) - 1)], span > 0


def generate(size: int = 1285, *, seed: int = 20161, today: dt.date | None = None) -> DemoResult:
    """Add ``size`` people to an empty archive. Deterministic for a seed."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    unions = list(Organisation.objects.filter(kind="grassroots").order_by("sort_order", "code"))
    employers = ensure_employers(unions, rng)
    employer_names = {pk: name for name, pk in Employer.objects.values_list("name", "pk")}
    names = _NamePool(rng, size=min(6000, max(500, size)))
    idx = np.arange(size)

    counts = level_counts(size)
    levels = np.concatenate([np.full(c, int(lv)) for lv, c in counts.items()])
    rng.shuffle(levels)
    male = rng.random(size) < 0.62
    sexes = np.where(male, "M", "F")
    # Higher honours go to older people, on average.
    base_year = np.where(levels == Level.NATIONAL, 1952, np.where(levels == Level.PROVINCIAL, 1956, 1962))
    birth_year = np.clip(base_year + rng.normal(0, 11, size).astype(int), 1932, 1995)
    birth_ord = np.array([dt.date(int(y), 1, 1).toordinal() for y in range(1932, 1996)])[birth_year - 1932]
    birth_ord = birth_ord + rng.integers(0, 365, size)
    births = [dt.date.fromordinal(int(o)) for o in birth_ord]
    areas = np.array(AREA_CODES)[rng.integers(0, len(AREA_CODES), size)]
    id_numbers = _id_numbers(rng, areas, births, sexes)

    union_weights = np.array(
        [3.0 if u.name in PUBLIC_EMPLOYERS else (2.0 if "有限公司" in u.name else 1.0) for u in unions]
    )
    union_idx = rng.choice(len(unions), size, p=union_weights / union_weights.sum())
    union_pks = np.array([u.pk for u in unions])[union_idx]
    public_union = np.array([u.name in PUBLIC_EMPLOYERS for u in unions])[union_idx]
    emp_pick = rng.integers(0, 1000, size)
    employer_ids = [
        employers[int(u)][int(e) % len(employers[int(u)])] for u, e in zip(union_pks, emp_pick, strict=True)
    ]

    surname_idx = rng.choice(len(names.surnames), size, p=names.surname_p)
    given_idx = rng.integers(0, names.size, size)

    # Retirement at 60 for men and 50 or 55 for women; deaths among the oldest.
    ret_age = np.where(male, 60, np.where(rng.random(size) < 0.5, 50, 55))
    retire_dates = [_add_years(b, int(a)) for b, a in zip(births, ret_age, strict=True)]
    retired = np.array([r <= today for r in retire_dates])
    age = today.year - birth_year
    death_roll = rng.random(size)
    dead = retired & (death_roll < np.maximum(0.0, (age - 68) * 0.018))
    hardship_roll = rng.random(size)
    in_hardship = (retired & ~dead & (hardship_roll < 0.09)) | (~retired & (hardship_roll < 0.015))

    political = rng.choice(["01", "13", "05", "10", "12", "03"], size, p=[0.64, 0.26, 0.03, 0.03, 0.02, 0.02])
    education = rng.choice(
        ["11", "20", "30", "40", "50", "60", "70"], size, p=[0.06, 0.30, 0.22, 0.12, 0.10, 0.14, 0.06]
    )
    positions = rng.integers(0, len(POSITIONS), size)
    grades = rng.integers(0, len(GRADES), size)
    phones = rng.integers(10**8, 10**9 - 1, size)
    phone_prefix = rng.choice(["13", "15", "18", "17", "19"], size)
    streets = rng.integers(0, len(STREETS), size)
    house_no = rng.integers(1, 400, size)

    with connection.cursor() as c:
        c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {ModelWorker._meta.db_table}")
        next_worker = c.fetchone()[0] + 1
        c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Honour._meta.db_table}")
        next_honour = c.fetchone()[0] + 1
    wids = next_worker + idx

    # --- Honours, rule by rule over the whole population -------------------------------------
    adult = birth_year + 25
    kind = np.where(
        public_union & (hardship_roll > 0.5), HonourKind.ADVANCED_WORKER.value, HonourKind.MODEL_WORKER.value
    )
    top_year = np.zeros(size, dtype=int)
    for lv in (Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL):
        m = levels == lv
        offset = 8 if lv == Level.NATIONAL else 4
        years, ok = _pick_years(idx[m] * 7, lv, adult[m] + offset, np.full(m.sum(), 2025))
        # Someone too young for the cycle still holds the title: the last award year.
        top_year[m] = np.where(ok, years, YEARS[lv][-1])
    roll = (idx * 2654435761 % 1000) / 1000
    plans = [(idx, levels, kind, top_year)]

    def earlier(mask, level_of, kinds, lo, hi, salt):
        """Honours below the defining one, kept only where an award year fits the person."""
        who = idx[mask]
        lvls = level_of if isinstance(level_of, np.ndarray) else np.full(len(who), int(level_of))
        years = np.zeros(len(who), dtype=int)
        ok = np.zeros(len(who), dtype=bool)
        for lv in np.unique(lvls):
            sub = lvls == lv
            years[sub], ok[sub] = _pick_years(who[sub] * salt, int(lv), lo[sub], hi[sub])
        plans.append((who[ok], lvls[ok], kinds[ok], years[ok]))

    m = (levels <= Level.PROVINCIAL) & (roll < 0.6)
    earlier(m, levels[m] + 1, kind[m], adult[m], top_year[m] - 1, 3)
    m = (levels == Level.NATIONAL) & (roll < 0.35)
    earlier(m, Level.MUNICIPAL, kind[m], adult[m], top_year[m] - 3, 5)
    m = (levels == Level.MUNICIPAL) & (roll > 0.7)
    earlier(m, Level.DISTRICT, kind[m], adult[m] - 2, top_year[m] - 1, 3)
    m = (levels <= Level.PROVINCIAL) & (roll > 0.8)
    earlier(m, levels[m], np.full(m.sum(), HonourKind.MAY_DAY_MEDAL.value), adult[m], np.full(m.sum(), 2025), 11)
    # Now and then a lower, earlier honour was revoked: the record keeps it, the counts ignore it.
    revoke_people = {int(i) for i in idx[(levels <= Level.PROVINCIAL) & (idx % 199 == 5) & (roll < 0.6)]}

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # SQLite's driver would adapt each date on its own; giving it text up front halves the load.
    d = (lambda v: v and v.isoformat()) if connection.vendor == "sqlite" else (lambda v: v)
    honour_rows = []
    hid = next_honour
    for n_plan, (who, lvls, kinds, years) in enumerate(plans):
        for i, lv, kd, year in zip(who.tolist(), lvls.tolist(), kinds.tolist(), years.tolist(), strict=True):
            title, body = TITLES[(lv, kd)]
            revoked = (
                min(dt.date(year + 3, 6, 1), today - dt.timedelta(days=30))
                if n_plan == 1 and i in revoke_people
                else None
            )
            honour_rows.append(
                (
                    hid,
                    int(wids[i]),
                    title,
                    kd,
                    lv,
                    body,
                    year,
                    f"{DOC_PREFIX[lv]}〔{year}〕{(hid * 7) % 90 + 10}号",
                    d(revoked),
                    "弄虚作假骗取荣誉" if revoked else "",
                    None,
                    "",
                    "",
                    now,
                    now,
                )
            )
            hid += 1
    # The defining honour is never revoked, so the highest level is the drawn level; check it by
    # the services' own rule on a sample rather than trusting the construction.
    _check_highest(honour_rows, levels, next_worker)

    # --- People ------------------------------------------------------------------------------
    worker_rows = []
    hardship_rows = []
    family_rows = []
    deeds_for_all = size <= 20_000
    surnames, surname_keys, given_m, given_f = (
        names.surnames,
        names.surname_keys,
        names.given["M"],
        names.given["F"],
    )
    for i in range(size):
        male_i = bool(male[i])
        given, g_full, g_init = (given_m if male_i else given_f)[given_idx[i]]
        s_full, s_init = surname_keys[surname_idx[i]]
        name = surnames[surname_idx[i]] + given
        status, retired_on, died_on = Status.WORKING, None, None
        if retired[i]:
            status, retired_on = Status.RETIRED, retire_dates[i]
            if dead[i]:
                span = (today - retired_on).days
                died_on = min(
                    retired_on + dt.timedelta(days=max(1, int(span * death_roll[i] * 20) % max(span, 1))),
                    today - dt.timedelta(days=1),
                )
                status = Status.DECEASED
        deeds = ""
        if deeds_for_all or i % 100 == 0:
            deeds = DEEDS[i % len(DEEDS)].format(
                name=name,
                employer=employer_names[employer_ids[i]],
                years=20 + i % 15,
                n=2 + i % 9,
                m=3 + i % 12,
                position=POSITIONS[positions[i]],
            )
        wid = int(wids[i])
        hard = bool(in_hardship[i])
        worker_rows.append(
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
                employer_ids[i],
                POSITIONS[positions[i]],
                GRADES[grades[i]],
                int(union_pks[i]),
                f"{phone_prefix[i]}{phones[i]:09d}",
                f"无锡市梁溪区{STREETS[streets[i]]}{house_no[i]}号",
                status,
                d(retired_on),
                d(died_on),
                "",
                deeds,
                "",
                int(levels[i]),
                hard,
                None,
                "",
                now,
                now,
                1,
            )
        )
        if hard:
            illness = hardship_roll[i] < 0.03
            family_size = 1 + int(hardship_roll[i] * 1000) % 4
            income = [2100, 2650, 3100, 3400][int(hardship_roll[i] * 10000) % 4]
            hardship_rows.append(
                (
                    wid,
                    True,
                    HardshipCategory.SPECIAL if illness else HardshipCategory.GENERAL,
                    d(dt.date(max(2015, (retired_on or today).year), 3, 1)),
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
            for k in range(family_size - 1):
                relation = Relation.SPOUSE if k == 0 else Relation.CHILD
                pool = given_f if (male_i and k == 0) else given_m
                family_rows.append(
                    (
                        wid,
                        relation,
                        surnames[(surname_idx[i] + 3 * k + 1) % len(surnames)]
                        + pool[(given_idx[i] + k) % names.size][0],
                        None,
                        "退休" if relation == Relation.SPOUSE else "企业职工",
                        "良好" if k else "一般",
                        Decimal(1800 if k == 0 else 4200),
                        "",
                        "",
                        None,
                        "",
                        now,
                    )
                )
    _bulk_insert(worker_rows, honour_rows, hardship_rows, family_rows)
    return DemoResult(people=size, honours=len(honour_rows), seconds=time.perf_counter() - started)


def _check_highest(honour_rows, levels, next_worker, sample: int = 2000) -> None:
    by_worker: dict[int, list] = {}
    for row in honour_rows:
        if row[1] - next_worker < sample:
            by_worker.setdefault(row[1], []).append((row[3], row[4], row[8], row[10]))
    for wid, honours in by_worker.items():
        expected = int(levels[wid - next_worker])
        got = highest_level_of(honours)
        if got != expected:
            raise AssertionError(f"demo person {wid}: highest level {got}, drew {expected}")


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


WORKER_COLUMNS = [
    "id",
    "name",
    "name_pinyin",
    "name_initials",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "id_last4",
    "political_affiliation",
    "education",
    "employer_id",
    "position",
    "title_or_grade",
    "union_id",
    "phone",
    "address",
    "status",
    "retired_on",
    "died_on",
    "photo",
    "deeds",
    "remarks",
    "highest_level",
    "in_hardship",
    "archived_at",
    "archive_reason",
    "created_at",
    "updated_at",
    "version",
]
HONOUR_COLUMNS = [
    "id",
    "model_worker_id",
    "title",
    "kind",
    "level",
    "awarding_body",
    "year",
    "document_number",
    "revoked_on",
    "revocation_reason",
    "voided_at",
    "void_reason",
    "remarks",
    "created_at",
    "updated_at",
]
HARDSHIP_COLUMNS = [
    "model_worker_id",
    "is_active",
    "category",
    "established_on",
    "ended_on",
    "end_reason",
    "health",
    "serious_illness",
    "monthly_income",
    "family_monthly_income",
    "family_size",
    "housing",
    "housing_area",
    "housing_note",
    "needs_and_wishes",
    "remarks",
    "updated_at",
]
FAMILY_COLUMNS = [
    "model_worker_id",
    "relation",
    "name",
    "birth_date",
    "employment",
    "health",
    "monthly_income",
    "phone",
    "remarks",
    "removed_at",
    "removed_reason",
    "created_at",
]


def _bulk_insert(workers, honours, hardships, families) -> None:
    tables = [
        (ModelWorker, WORKER_COLUMNS, workers),
        (Honour, HONOUR_COLUMNS, honours),
        (HardshipFile, HARDSHIP_COLUMNS, hardships),
        (FamilyMember, FAMILY_COLUMNS, families),
    ]
    names = [m._meta.db_table for m, _c, _r in tables]
    big = len(workers) >= 50_000
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            _load_postgresql(cur, tables, names, big)
        else:
            _load_sqlite(tables, names, big)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit=2000")  # sampled statistics are enough for the planner
        for table in names:
            cur.execute(f"ANALYZE {table}")


def _load_postgresql(cur, tables, names, big: bool) -> None:
    """Binary COPY into bare tables; indexes and constraints rebuilt once, in bulk.

    Row by row, every foreign key queues a trigger event and every index takes a random
    insert; rebuilding them after the load checks and sorts each once.
    """
    rebuild: list[str] = []
    if big:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%s)",
            [names],
        )
        for table, name, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%_pkey'",
            [names],
        )
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        rebuild = [d for _n, d in indexes] + rebuild
    raw = cur.cursor
    for model, columns, rows in tables:
        types = [
            _pg_type(model._meta.get_field(c.removesuffix("_id") if c.endswith("_id") and c != "id" else c))
            for c in columns
        ]
        with raw.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for statement in rebuild:
        cur.execute(statement)
    for model in (ModelWorker, Honour):
        table = model._meta.db_table
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _pg_type(field) -> str:
    db_type = field.target_field.db_type(connection) if field.is_relation else field.db_type(connection)
    base = db_type.split("(")[0].strip().lower()
    return {
        "timestamp with time zone": "timestamptz",
        "boolean": "bool",
        "smallint": "int2",
        "integer": "int4",
        "bigint": "int8",
        "character varying": "varchar",
    }.get(base, base)


def _load_sqlite(tables, names, big: bool) -> None:
    raw = connection.connection
    indexes = []
    if big:
        marks = ", ".join("?" * len(names))
        indexes = raw.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            names,
        ).fetchall()
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
    raw.execute("PRAGMA cache_size=-500000")
    for model, columns, rows in tables:
        # The driver's own executemany, with dates already text: no per-value adapters.
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for start in range(0, len(rows), 50_000):
            raw.executemany(sql, rows[start : start + 50_000])
    for _name, sql in indexes:
        raw.execute(sql)
    raw.execute("PRAGMA cache_size=-64000")
