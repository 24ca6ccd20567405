from django.db import migrations


def forward(apps, schema_editor):
    from gongjiang.reports import counters

    counters.install(schema_editor)


def backward(apps, schema_editor):
    from gongjiang.reports import counters

    counters.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("archive", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
