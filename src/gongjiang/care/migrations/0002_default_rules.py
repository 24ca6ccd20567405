"""The rules the federation starts from (rules.md, Care): check-ups every year for working model
workers and every two years for retired ones (Shanghai practice); stays every two years for working
model workers, front line first, never sent before next (ACFTU 2023, Fujian). Edited in the UI."""

import datetime as dt

from django.db import migrations

DEFAULTS = [
    ("checkup", 1, 2, ["overdue", "never", "age", "hardship"], "在职劳模每年一次，退休劳模每两年一次（上海做法）"),
    ("stay", 2, None, ["working", "never", "overdue", "hardship"], "在职劳模每两年一次，一线优先，未参加过的优先"),
]


def add(apps, schema_editor):
    CareRule = apps.get_model("care", "CareRule")
    for kind, working, retired, priority, note in DEFAULTS:
        if not CareRule.objects.filter(kind=kind).exists():
            CareRule.objects.create(
                kind=kind,
                effective_from=dt.date(1979, 1, 1),
                working_every=working,
                retired_every=retired,
                priority=priority,
                note=note,
            )


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
