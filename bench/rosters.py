"""Roster import and export timings, one measurement per process (so peak memory is its own).

    python bench/rosters.py import FILE     our import: upload → read → plan → confirm → apply
    python bench/rosters.py peer FILE       the same file through django-import-export
    python bench/rosters.py export N        export N demo records to .xlsx
    python bench/rosters.py make ROWS FILE  write a roster of ROWS rows, one row per honour

Runs against DATABASE_URL (a fresh database each time, prepared by bench/run.py) and prints
one JSON object: {"seconds": …, "peak_mb": …, …}.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_roster(rows: int, path: str) -> None:
    """A realistic roster: title row, header, people with one to three honours, one row each."""

    from gongjiang.accounts.demo import UNIONS
    from gongjiang.core import idcard

    rng = random.Random(3)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    given = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛"
    levels = [
        ("全国劳动模范", "全国"),
        ("江苏省劳动模范", "省级"),
        ("无锡市劳动模范", "市级"),
        ("梁溪区劳动模范", "区级"),
    ]
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, ["梁溪区劳模花名册"])
    sheet.write_row(
        1, 0, ["姓名", "性别", "出生日期", "身份证号", "工作单位", "所属工会", "荣誉称号", "级别", "授予时间"]
    )
    r, n = 2, 0
    seen = set()
    while n < rows:
        sex = "M" if rng.random() < 0.6 else "F"
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 50 * 365))
        number = idcard.make("320213", birth, rng.randrange(0, 1000), sex)
        if number in seen:
            continue
        seen.add(number)
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")
        union = UNIONS[rng.randrange(len(UNIONS))][0]
        employer = f"无锡测试企业{rng.randrange(300)}有限公司"
        honours = rng.sample(range(4), k=min(rows - n, rng.choice([1, 1, 2, 3])))
        for k in sorted(honours, reverse=True):
            title, level = levels[k]
            year = max(birth.year + 25, 1980) + rng.randrange(0, 15)
            sheet.write_row(
                r,
                0,
                [
                    name,
                    "男" if sex == "M" else "女",
                    birth.isoformat(),
                    number,
                    employer,
                    union,
                    title,
                    level,
                    str(min(year, 2025)),
                ],
            )
            r += 1
            n += 1
    book.close()


def setup_django(migrate: bool = True):
    import django

    django.setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)
    from gongjiang.accounts import demo

    demo.ensure_organisations()
    demo.ensure_users(*demo.ensure_organisations())


def run_import(path: str) -> dict:
    setup_django()
    from gongjiang.accounts.models import User
    from gongjiang.rosters import services

    user = User.objects.get(username="staff")
    data = Path(path).read_bytes()
    started = time.perf_counter()
    ri = services.upload(actor=user, name=Path(path).name, data=data, default_union=None)
    ri = services.parse(ri)
    read_at = time.perf_counter()
    ri = services.confirm(actor=user, ri=ri, decisions={})
    counts = services.apply(ri)
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "parse_seconds": read_at - started,
        "apply_seconds": done - read_at,
        "peak_mb": peak_mb(),
        "new": counts["new"],
        "rejected": counts["reject"],
        "people": counts["created_people"],
    }


def run_peer(path: str) -> dict:
    """django-import-export with its fastest bulk options, importing the person columns.

    It is given less to do than our import: one row per person (its bulk mode fails on a
    person's second row), no honours, no GB 11643 check, no matching by name and birth date,
    no preview rows kept, no audit entries, no pinyin keys. It does read the same file.
    """
    setup_django()
    import tablib
    from import_export import fields, resources, widgets

    from gongjiang.accounts.models import Organisation
    from gongjiang.archive.models import ModelWorker

    class PeerResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        sex = fields.Field(attribute="sex", column_name="性别")
        birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d"))
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        union = fields.Field(
            attribute="union", column_name="所属工会", widget=widgets.ForeignKeyWidget(Organisation, field="name")
        )

        class Meta:
            model = ModelWorker
            fields = ("name", "sex", "birth_date", "id_number", "union")
            import_id_fields = ("id_number",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            use_transactions = True

        def before_import_row(self, row, **kwargs):
            row["性别"] = "M" if row.get("性别") == "男" else "F"

    started = time.perf_counter()
    with open(path, "rb") as fh:
        dataset = tablib.Dataset().load(fh.read(), format="xlsx", headers=False)
    # tablib takes the first row as the header: drop the title row like our importer finds it.
    rows = list(dataset)
    headers = [str(h) for h in rows[1]]
    # In bulk mode it cannot take one person over several rows (the second insert of an ID
    # number fails the whole batch), so it gets the first row of each person only.
    seen, unique = set(), []
    for row in rows[2:]:
        if row[3] not in seen:
            seen.add(row[3])
            unique.append(row)
    data = tablib.Dataset(*unique, headers=headers)
    result = PeerResource().import_data(data, dry_run=False, raise_errors=False)
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "peak_mb": peak_mb(),
        "rows": len(data),
        "file_rows": len(rows) - 2,
        "errors": len(result.row_errors()) + len(result.invalid_rows),
        "people": ModelWorker.objects.count(),
    }


def run_export(n: int) -> dict:
    setup_django()
    from gongjiang.accounts.models import User
    from gongjiang.archive import services
    from gongjiang.archive.selectors import ListFilters
    from gongjiang.demo import people as demo

    demo.generate(n)
    user = User.objects.get(username="staff")
    out = ROOT / "var" / "bench" / "export.xlsx"
    started = time.perf_counter()
    rows = services.export_roster(actor=user, filters=ListFilters(), description="bench", unmasked=False, dest=str(out))
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "rows": rows}


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "make":
        import django

        django.setup()
        make_roster(int(sys.argv[2]), sys.argv[3])
        print(json.dumps({"ok": True}))
    elif command == "import":
        print(json.dumps(run_import(sys.argv[2])))
    elif command == "peer":
        print(json.dumps(run_peer(sys.argv[2])))
    elif command == "export":
        print(json.dumps(run_export(int(sys.argv[2]))))
