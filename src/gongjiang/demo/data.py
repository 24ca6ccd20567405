"""The tables the demo's history is drawn from, in one place: when each level's titles are
awarded, what the titles are called, which employers each union holds and what their people
do, and when people retire. The generators draw from these tables and the tests over the
generated demo check the data against them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gongjiang.archive.enums import HonourKind, Level

# --- When titles are awarded ------------------------------------------------------------------

# Model-worker rounds are held before May Day; a title of a round counts from this day.
ROUND_DAY = (4, 28)


def _every(first: int, last: int, step: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1, step))


# Model-worker and advanced-worker titles, by level: the years a round was held. National rounds
# every five years since 1995 (1979 and 1989 before); Jiangsu's provincial rounds every five
# years (April 2016, then 2021 and 2026); Wuxi's municipal rounds every three (2016, 2019, 2022,
# 2025); district rounds every two years, in the old districts (崇安、南长、北塘) until 2013 and
# in 梁溪区, formed from them in 2015, since 2017.
AWARD_YEARS: dict[int, tuple[int, ...]] = {
    Level.NATIONAL: (1979, 1989, *_every(1995, 2035, 5)),
    Level.PROVINCIAL: _every(1981, 2036, 5),
    Level.MUNICIPAL: _every(1980, 2036, 3),
    Level.DISTRICT: _every(1981, 2013, 2) + _every(2017, 2035, 2),
}
# May Day Labour Medals (national by the ACFTU, provincial by the Jiangsu federation): every year.
MEDAL_YEARS: tuple[int, ...] = _every(1985, 2035, 1)
# The year the old districts became 梁溪区.
LIANGXI_FOUNDED = 2015


def round_date(year: int) -> dt.date:
    return dt.date(year, *ROUND_DAY)


def award_years(level: int, kind: str, today: dt.date) -> tuple[int, ...]:
    """The rounds of a level and kind held by ``today``."""
    years = MEDAL_YEARS if kind == HonourKind.MAY_DAY_MEDAL else AWARD_YEARS[level]
    return tuple(y for y in years if round_date(y) <= today)


# --- What the titles are called ----------------------------------------------------------------

# (title, awarding body, document prefix) by level and kind.
TITLES: dict[tuple[int, str], tuple[str, str, str]] = {
    (Level.NATIONAL, HonourKind.MODEL_WORKER): ("全国劳动模范", "国务院", "国发"),
    (Level.NATIONAL, HonourKind.ADVANCED_WORKER): ("全国先进工作者", "国务院", "国发"),
    (Level.NATIONAL, HonourKind.MAY_DAY_MEDAL): ("全国五一劳动奖章", "中华全国总工会", "总工发"),
    (Level.PROVINCIAL, HonourKind.MODEL_WORKER): ("江苏省劳动模范", "江苏省人民政府", "苏政发"),
    (Level.PROVINCIAL, HonourKind.ADVANCED_WORKER): ("江苏省先进工作者", "江苏省人民政府", "苏政发"),
    (Level.PROVINCIAL, HonourKind.MAY_DAY_MEDAL): ("江苏省五一劳动奖章", "江苏省总工会", "苏工发"),
    (Level.MUNICIPAL, HonourKind.MODEL_WORKER): ("无锡市劳动模范", "无锡市人民政府", "锡政发"),
    (Level.MUNICIPAL, HonourKind.ADVANCED_WORKER): ("无锡市先进工作者", "无锡市人民政府", "锡政发"),
    (Level.DISTRICT, HonourKind.MODEL_WORKER): ("梁溪区劳动模范", "梁溪区人民政府", "梁政发"),
    (Level.DISTRICT, HonourKind.ADVANCED_WORKER): ("梁溪区先进工作者", "梁溪区人民政府", "梁政发"),
}
# District titles before 梁溪区 was formed: (district, document prefix).
OLD_DISTRICTS = (("崇安区", "崇政发"), ("南长区", "南政发"), ("北塘区", "北政发"))
# The words a title of each level begins with (the tests read the level back from the title).
LEVEL_WORDS = {
    Level.NATIONAL: ("全国",),
    Level.PROVINCIAL: ("江苏省",),
    Level.MUNICIPAL: ("无锡市",),
    Level.DISTRICT: ("梁溪区", *(d for d, _p in OLD_DISTRICTS)),
}


def title_of(level: int, kind: str, year: int, who: int) -> tuple[str, str, str]:
    """(title, awarding body, document number) of a title of a round; one decision per round,
    so everyone honoured in a round shares its document number."""
    title, body, prefix = TITLES[(level, kind)]
    if level == Level.DISTRICT and year < LIANGXI_FOUNDED:
        district, prefix = OLD_DISTRICTS[who % len(OLD_DISTRICTS)]
        title, body = title.replace("梁溪区", district), body.replace("梁溪区", district)
    number = (year * 7 + level * 13 + (5 if kind == HonourKind.MAY_DAY_MEDAL else 0)) % 80 + 10
    return title, body, f"{prefix}〔{year}〕{number}号"


# --- Retirement --------------------------------------------------------------------------------

# Statutory ages: men 60, women in cadre posts 55, other women 50. From 2025 they rise gradually
# (全国人大常委会, 2024): one month for every four months of birth from January 1965 (men) and
# January 1970 (women cadres), at most three years; one month for every two months from
# January 1975 for other women, at most five years.
RETIREMENT = {
    "man": (60, (1965, 1), 4, 36),
    "woman_cadre": (55, (1970, 1), 4, 36),
    "woman": (50, (1975, 1), 2, 60),
}


def retirement_rule(male: bool, cadre: bool) -> tuple[int, tuple[int, int], int, int]:
    return RETIREMENT["man" if male else ("woman_cadre" if cadre else "woman")]


def retirement_delay(birth: dt.date, male: bool, cadre: bool) -> int:
    """Months added to the statutory age by the 2025 reform."""
    _age, (year, month), every, most = retirement_rule(male, cadre)
    after = (birth.year - year) * 12 + birth.month - month
    return 0 if after < 0 else min(most, after // every + 1)


def retirement_date(birth: dt.date, male: bool, cadre: bool) -> dt.date:
    age = retirement_rule(male, cadre)[0]
    months = birth.year * 12 + birth.month - 1 + age * 12 + retirement_delay(birth, male, cadre)
    year, month = divmod(months, 12)
    first = dt.date(year, month + 1, 1)
    length = ((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first).days
    return first.replace(day=min(birth.day, length))


# --- Employers and what their people do ---------------------------------------------------------


@dataclass(frozen=True)
class Trade:
    """What the people of a kind of employer do: the trades a 三创 unit there works in, the
    posts (and whether a post is a cadre post, which decides a woman's retirement age) and the
    professional grades."""

    fields: tuple[str, ...]
    posts: tuple[tuple[str, bool], ...]
    grades: tuple[str, ...]
    unit_posts: tuple[str, ...]  # what a star post there is called


# Skill grades (职业技能等级) go with workers' posts; the other grades are professional titles
# (职称), which go with cadre posts.
SKILL_GRADES = frozenset(
    {"高级技师", "技师", "高级工", "中级工", "高级营销师", "营销师", "物流师", "高级导游", "中级导游"}
)


def grades_for(trade: Trade, cadre: bool) -> tuple[str, ...]:
    """The grades someone in a cadre post (or not) of the trade may hold; none at worst."""
    return tuple(g for g in trade.grades if g == "" or (g in SKILL_GRADES) != cadre) or ("",)


TRADES: dict[str, Trade] = {
    "school": Trade(
        ("小学语文教学", "小学数学教学", "初中物理教学", "学前教育", "职业技能教学", "特殊教育"),
        (("教师", True), ("教研组长", True), ("班主任", True), ("副校长", True)),
        ("正高级教师", "高级教师", "一级教师", "二级教师"),
        ("教研组", "班主任工作室", "实训中心"),
    ),
    "hospital": Trade(
        ("临床护理", "中医护理", "急诊急救", "医学检验", "康复治疗"),
        (("主任医师", True), ("副主任医师", True), ("护士长", True), ("主管护师", True), ("检验师", True)),
        ("主任医师", "副主任医师", "主治医师", "主任护师", "主管护师"),
        ("护理站", "急诊科", "检验科"),
    ),
    "public_health": Trade(
        ("疾病预防控制", "社区卫生服务", "全科医疗", "公共卫生监测"),
        (("全科医生", True), ("公共卫生医师", True), ("社区护士", True)),
        ("副主任医师", "主治医师", "主管护师"),
        ("家庭医生团队", "预防接种门诊"),
    ),
    "government": Trade(
        ("政务服务", "社区治理", "财务管理", "人力资源服务"),
        (("科员", True), ("科长", True), ("办公室主任", True)),
        ("一级主任科员", "二级主任科员", "四级主任科员", ""),
        ("服务窗口", "政务服务中心"),
    ),
    "city": Trade(
        ("城市管理", "市政道路养护", "排水设施养护", "路灯维护"),
        (("执法队员", True), ("技术员", True), ("养护工", False), ("班组长", False)),
        ("工程师", "技师", "高级工", ""),
        ("养护班组", "执法中队"),
    ),
    "sanitation": Trade(
        ("环卫作业", "垃圾分类", "道路保洁", "环卫车辆维修"),
        (("环卫工人", False), ("班组长", False), ("驾驶员", False), ("调度员", False)),
        ("技师", "高级工", "中级工", ""),
        ("保洁班组", "清运车队"),
    ),
    "machinery": Trade(
        ("数控加工", "机械装配", "焊接技术", "模具制造", "设备维修"),
        (
            ("车间主任", True),
            ("工程师", True),
            ("班组长", False),
            ("数控车工", False),
            ("钳工", False),
            ("焊工", False),
            ("质检员", False),
        ),
        ("高级工程师", "工程师", "高级技师", "技师", "高级工"),
        ("生产车间", "检修班组", "质检岗"),
    ),
    "textile": Trade(
        ("纺织工艺", "纺纱织造", "印染工艺", "服装制版", "缝纫工艺"),
        (("车间主任", True), ("工艺员", True), ("挡车工", False), ("班组长", False), ("质检员", False)),
        ("高级工程师", "工程师", "高级技师", "技师", "高级工"),
        ("织造车间", "质检岗"),
    ),
    "electronics": Trade(
        ("电子装联", "软件开发", "集成电路测试", "智能制造"),
        (("工程师", True), ("技术员", True), ("班组长", False), ("测试员", False)),
        ("正高级工程师", "高级工程师", "工程师", "技师"),
        ("研发中心", "测试班组"),
    ),
    "construction": Trade(
        ("建筑施工", "钢结构焊接", "建筑装饰", "工程测量"),
        (("项目经理", True), ("施工员", True), ("钢筋工", False), ("焊工", False), ("测量员", False)),
        ("高级工程师", "工程师", "高级技师", "技师", "高级工"),
        ("项目部", "测量班组"),
    ),
    "logistics": Trade(
        ("物流调度", "仓储管理", "冷链配送"),
        (("仓储主管", True), ("调度员", False), ("驾驶员", False)),
        ("物流师", "技师", "高级工", ""),
        ("调度中心", "配送班组"),
    ),
    "catering": Trade(
        ("中式烹调", "中式面点", "餐饮服务"),
        (("店长", True), ("厨师长", False), ("面点师", False), ("服务员", False)),
        ("高级技师", "技师", "高级工"),
        ("后厨班组", "服务窗口"),
    ),
    "gas": Trade(
        ("燃气管网运维", "燃气安全检查", "调压设备维护"),
        (("工程师", True), ("管网维修工", False), ("调度员", False)),
        ("高级工程师", "工程师", "技师", "高级工"),
        ("抢修班组", "客服中心"),
    ),
    "bus": Trade(
        ("公交驾驶", "车辆检修", "公交调度"),
        (("车队长", True), ("驾驶员", False), ("维修电工", False), ("调度员", False)),
        ("高级技师", "技师", "高级工"),
        ("线路车队", "保修车间", "调度中心"),
    ),
    "pharmacy": Trade(
        ("药学服务", "中药调剂"),
        (("执业药师", True), ("店长", True), ("营业员", False)),
        ("副主任药师", "主管药师", "药师"),
        ("服务窗口", "中药房"),
    ),
    "retail": Trade(
        ("商贸服务", "营销策划", "柜台服务"),
        (("部门经理", True), ("柜组长", False), ("营业员", False)),
        ("高级营销师", "营销师", ""),
        ("服务窗口", "柜组"),
    ),
    "food": Trade(
        ("食品检测", "食品加工", "面点制作"),
        (("技术员", True), ("车间主任", True), ("质检员", False), ("操作工", False)),
        ("工程师", "技师", "高级工"),
        ("质检岗", "生产车间"),
    ),
    "power": Trade(
        ("电力运维", "变电检修", "配电抢修", "热力运行"),
        (("工程师", True), ("运行值班员", False), ("检修工", False), ("班组长", False)),
        ("高级工程师", "工程师", "高级技师", "技师"),
        ("运维班组", "抢修班组"),
    ),
    "property": Trade(
        ("物业服务", "电梯维保", "设施设备维护"),
        (("项目经理", True), ("物业管理员", True), ("维修工", False), ("电梯维保工", False)),
        ("工程师", "技师", "高级工", ""),
        ("客服中心", "维修班组"),
    ),
    "tourism": Trade(
        ("导游讲解", "景区服务", "酒店服务"),
        (("部门经理", True), ("导游", False), ("服务员", False)),
        ("高级导游", "中级导游", "技师"),
        ("游客服务中心", "前厅部"),
    ),
    "community": Trade(
        ("社区服务", "养老服务", "家政服务"),
        (("社区工作者", True), ("养老护理员", False), ("家政服务员", False)),
        ("社会工作师", "助理社会工作师", ""),
        ("便民服务站", "日间照料中心"),
    ),
}

# Public bodies by union, with their kind. Their people are advanced workers (先进工作者).
PUBLIC_EMPLOYERS: dict[str, tuple[tuple[str, str], ...]] = {
    "梁溪区教育工会": (
        ("梁溪区实验小学", "school"),
        ("梁溪区第一中学", "school"),
        ("梁溪区第二中学", "school"),
        ("梁溪区崇安实验小学", "school"),
        ("梁溪区南长实验中学", "school"),
        ("梁溪区幼儿园", "school"),
        ("梁溪区职业教育中心", "school"),
        ("梁溪区特殊教育学校", "school"),
    ),
    "梁溪区卫生健康工会": (
        ("梁溪区人民医院", "hospital"),
        ("梁溪区中医医院", "hospital"),
        ("梁溪区妇幼保健院", "hospital"),
        ("梁溪区疾病预防控制中心", "public_health"),
        ("崇安寺社区卫生服务中心", "public_health"),
        ("广益社区卫生服务中心", "public_health"),
    ),
    "梁溪区机关工会": (
        ("梁溪区人民政府办公室", "government"),
        ("梁溪区发展和改革委员会", "government"),
        ("梁溪区财政局", "government"),
        ("梁溪区人力资源和社会保障局", "government"),
    ),
    "梁溪区城市管理工会": (
        ("梁溪区城市管理局", "city"),
        ("梁溪区环境卫生管理处", "sanitation"),
        ("梁溪区市政设施养护处", "city"),
    ),
}
# Companies are named 无锡 + a place name + a suffix that says their kind.
COMPANY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "machinery": ("精密机械有限公司", "数控设备有限公司"),
    "textile": ("纺织集团有限公司", "服饰有限公司"),
    "electronics": ("电子科技有限公司", "智能科技有限公司"),
    "construction": ("建设工程有限公司", "建筑装饰工程有限公司"),
    "logistics": ("物流有限公司",),
    "catering": ("餐饮管理有限公司",),
    "sanitation": ("环境卫生服务有限公司",),
    "gas": ("燃气有限公司",),
    "bus": ("公共交通有限公司", "公交集团有限公司"),
    "pharmacy": ("医药连锁有限公司",),
    "retail": ("商业大厦有限公司",),
    "food": ("食品有限公司",),
    "power": ("热电有限公司", "供电服务中心"),
    "property": ("物业管理有限公司",),
    "tourism": ("旅游发展有限公司", "大酒店有限公司"),
    "community": ("社区服务中心",),
}
# The kinds of company an industry union holds (a company's own union holds the company; a
# street's union the businesses of the street and its community service centre).
UNION_TRADES: dict[str, tuple[str, ...]] = {
    "梁溪区城市管理工会": ("sanitation", "gas"),
    "梁溪区商贸流通业工会联合会": ("retail", "logistics", "pharmacy", "food", "catering"),
    "梁溪区建筑业工会": ("construction", "property"),
    "梁溪区交通运输工会": ("bus", "logistics"),
    "梁溪区文化旅游工会": ("tourism", "catering"),
    "梁溪区非公企业工会联合会": ("machinery", "textile", "electronics", "food"),
    "梁溪区科技园区工会": ("electronics", "machinery"),
}
STREET_TRADES = ("property", "catering", "retail", "community")
EMPLOYER_PREFIXES = (
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
)
_PUBLIC_KIND = {name: kind for names in PUBLIC_EMPLOYERS.values() for name, kind in names}
_SUFFIX_KIND = sorted(
    ((suffix, kind) for kind, suffixes in COMPANY_SUFFIXES.items() for suffix in suffixes),
    key=lambda pair: -len(pair[0]),
)


def employer_kind(name: str) -> str | None:
    """The kind of an employer, from its name (None for one the demo did not make)."""
    if name in _PUBLIC_KIND:
        return _PUBLIC_KIND[name]
    for suffix, kind in _SUFFIX_KIND:
        if name.endswith(suffix):
            return kind
    return None


def is_public(name: str) -> bool:
    return name in _PUBLIC_KIND


def union_employers(union_names: list[str]) -> list[list[tuple[str, str]]]:
    """For each union, in order, its employers as (name, kind); no name is used twice."""
    used: set[str] = set()
    out = []
    for i, union in enumerate(union_names):
        if union in PUBLIC_EMPLOYERS:
            names = list(PUBLIC_EMPLOYERS[union])
        elif union.endswith("工会") and employer_kind(union.removesuffix("工会")) and "街道" not in union:
            names = [(union.removesuffix("工会"), employer_kind(union.removesuffix("工会")))]
        else:
            names = []
        street = union.endswith("街道总工会")
        kinds = STREET_TRADES if street else UNION_TRADES.get(union, () if names else tuple(COMPANY_SUFFIXES))
        if street:
            names.append((union.removesuffix("总工会") + "社区服务中心", "community"))
            kinds = tuple(k for k in kinds if k != "community")
        # A street's businesses are named after the street, one of each kind; an industry's
        # companies after places of the city.
        companies = len(kinds) if street else (0 if not kinds else (6 if not names else 2))
        for j in range(companies):
            kind = kinds[j % len(kinds)]
            suffixes = COMPANY_SUFFIXES[kind]
            places = [union.removesuffix("街道总工会")] if street else []
            places += [EMPLOYER_PREFIXES[(i * 7 + j * 3 + k) % len(EMPLOYER_PREFIXES)] for k in range(18)]
            name = next(
                (
                    f"无锡{place}{suffix}"
                    for place in places
                    for suffix in suffixes
                    if f"无锡{place}{suffix}" not in used
                ),
                f"无锡{union}{j}{suffixes[0]}",
            )
            used.add(name)
            names.append((name, kind))
        used.update(n for n, _k in names)
        out.append(names)
    return out
