"""The visit rule the federation starts from: age 80 and over, or a year without a visit."""

import datetime as dt

from django.db import migrations


def add(apps, schema_editor):
    VisitRule = apps.get_model("care", "VisitRule")
    if not VisitRule.objects.exists():
        VisitRule.objects.create(effective_from=dt.date(1979, 1, 1), age_at_least=80, months_without_visit=12)


class Migration(migrations.Migration):
    dependencies = [("care", "0003_visits_and_needs")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
