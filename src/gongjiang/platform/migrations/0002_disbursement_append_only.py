"""Disbursements under the one append-only guard (``core.append_only``)."""

from django.db import migrations

import gongjiang.core.append_only


class Migration(migrations.Migration):
    dependencies = [("platform", "0001_initial")]

    operations = [
        migrations.AlterModelOptions(name="disbursement", options={"base_manager_name": "objects"}),
        gongjiang.core.append_only.AppendOnly("disbursement"),
    ]
