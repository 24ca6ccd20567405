from django.db import migrations


def forward(apps, schema_editor):
    from gongjiang.reports import counters

    counters.uninstall(schema_editor)
    counters.install(schema_editor)  # now with ``verification``: unverified records count nowhere


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_counter_triggers"), ("archive", "0003_modelworker_verification")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
