"""The platform demo's fixed story: the article's figures, the names, titles and notes units are
given, and the scores each grade is drawn from."""

from __future__ import annotations

import datetime as dt
import random

from gongjiang.platform.enums import (
    AchievementLevel,
    Grade,
    Have,
    Tier,
)

START = 2014
ARTICLE_YEARS = (2015, 2016)
# Plaques first awarded each year, by tier (studio, star post, standard-bearer). With the
# promotions and removals of the story, the end of 2016 holds the article's 9, 14 and 23.
AWARDS = {
    2014: (5, 8, 14),
    2015: (2, 5, 7),
    2016: (1, 1, 4),
    2017: (1, 3, 5),
    2018: (1, 3, 5),
    2019: (1, 2, 4),
    2020: (1, 2, 4),
    2021: (1, 2, 3),
    2022: (1, 2, 3),
    2023: (0, 2, 3),
    2024: (1, 1, 3),
    2025: (0, 1, 3),
    2026: (1, 1, 2),
}
TIERS = (Tier.STUDIO, Tier.STAR_POST, Tier.STANDARD_BEARER)
# The article's results, by year: (projects led or completed, products, awards, honours).
ARTICLE_RESULTS = {2015: (14, 13, 22, 95), 2016: (18, 19, 29, 116)}
# A unit's results in a later year, on average: projects, products, awards, honours, patents, papers.
RATES = (0.8, 0.8, 1.2, 5.0, 0.5, 0.6)
TARGETS = (
    ("十三五", 2016, 2020, 20, 50, 100),
    ("十四五", 2021, 2025, 25, 45, 60),
    ("十五五", 2026, 2030, 30, 55, 75),
)
ROUND_OPENS = (12, 1)
ROUND_CLOSES = (12, 20)
CASES_DECIDED = (12, 28)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红春燕文斌海波宇晨浩然欣怡子涵"
PROJECT = ["{f}关键工艺优化研究", "{f}质量提升课题", "基于数字化的{f}流程再造", "{f}节能降耗攻关", "{f}安全隐患治理"]
PRODUCT = ["{f}专用工装", "{f}快速检测装置", "{f}智能巡检系统", "{f}新型工艺", "{f}便携工具"]
# Titles and issuers by level: the level's words lead the title, so title and level agree.
AWARD_TITLES = {
    AchievementLevel.DISTRICT: (
        ("梁溪区科学技术进步奖", "梁溪区科学技术局"),
        ("梁溪区职工技术创新成果奖", "梁溪区总工会"),
    ),
    AchievementLevel.MUNICIPAL: (
        ("无锡市科学技术进步奖", "无锡市人民政府"),
        ("无锡市职工技术创新成果奖", "无锡市总工会"),
    ),
    AchievementLevel.PROVINCIAL: (
        ("江苏省职工优秀技术创新成果奖", "江苏省总工会"),
        ("江苏省科学技术奖", "江苏省人民政府"),
    ),
    AchievementLevel.NATIONAL: (("全国职工优秀技术创新成果奖", "中华全国总工会"),),
}
COLLECTIVE_HONOURS = {
    AchievementLevel.DISTRICT: ("梁溪区先进集体", "梁溪区工人先锋号"),
    AchievementLevel.MUNICIPAL: ("无锡市工人先锋号", "无锡市巾帼文明岗", "无锡市青年文明号"),
    AchievementLevel.PROVINCIAL: ("江苏省工人先锋号", "江苏省五一劳动奖状"),
    AchievementLevel.ENTERPRISE: ("{employer}先进班组",),
}
INDIVIDUAL_HONOURS = {
    AchievementLevel.DISTRICT: ("梁溪区五一劳动奖章", "梁溪区优秀共产党员"),
    AchievementLevel.MUNICIPAL: ("无锡市技术能手", "无锡市五一劳动奖章", "无锡市岗位标兵"),
    AchievementLevel.PROVINCIAL: ("江苏省技术能手", "江苏省五一创新能手"),
    AchievementLevel.ENTERPRISE: ("{employer}首席技师", "{employer}优秀员工"),
}
PROJECT_LEVELS = (AchievementLevel.DISTRICT, AchievementLevel.MUNICIPAL, AchievementLevel.PROVINCIAL)
AWARD_LEVELS = (*PROJECT_LEVELS, AchievementLevel.DISTRICT)  # one national award in seventeen
HAVE_NOTES = {
    Have.TEAM: "领头人带领骨干成员{n}人，分工明确。",
    Have.VENUE: "{venue}，配备实训设备。",
    Have.FUNDS: "单位配套经费与区总工会补助专款专用。",
    Have.MANAGEMENT: "建立例会、台账和考核制度。",
    Have.SIGN: "按全区统一标志制作铭牌和展板。",
    Have.RESULTS: "申报前两年完成技术革新和岗位成果，见成果台账。",
}
SCORE_RANGE = {Grade.EXCELLENT: (91, 97), Grade.GOOD: (81, 88), Grade.PASS: (66, 78), Grade.FAIL: (45, 56)}
WARNED_NOTE = "年度考评不合格：成果不足，限期整改。"
PUT_RIGHT_NOTE = "整改后补齐课题和成果台账，复审通过。"


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def random_day(rng: random.Random, year: int, first_month: int = 1, last_month: int = 11) -> dt.date:
    return dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))
