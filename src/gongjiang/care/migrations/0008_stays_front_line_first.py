"""Stays go to the front line and harsh jobs first (rules.md, Care), now that a record says who
works there: the rule the federation started from, if nobody has changed it, puts them first."""

from django.db import migrations

OLD = ["working", "never", "overdue", "hardship"]
NEW = ["front_line", "never", "working", "overdue", "hardship"]


def forwards(apps, schema_editor):
    CareRule = apps.get_model("care", "CareRule")
    CareRule.objects.filter(kind="stay", created_by__isnull=True, priority=OLD).update(priority=NEW)


def backwards(apps, schema_editor):
    CareRule = apps.get_model("care", "CareRule")
    CareRule.objects.filter(kind="stay", created_by__isnull=True, priority=NEW).update(priority=OLD)


class Migration(migrations.Migration):
    dependencies = [("care", "0007_visit_condolence"), ("archive", "0005_front_line")]
    operations = [migrations.RunPython(forwards, backwards)]
