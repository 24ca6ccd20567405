"""python manage.py import_roster FILE [--union CODE] [--dry-run] [--json]

The web import for scheduled jobs: the same reading, matching and checks. Prints the counts
(with --json one JSON object with the rejected rows and their reasons) and exits non-zero when
nothing could be read.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts.enums import OrganisationKind
from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import SYSTEM
from gongjiang.core import context
from gongjiang.core.commands import ChineseCommand
from gongjiang.rosters import services
from gongjiang.rosters.models import ImportRow, ImportStatus, RowAction


class Command(ChineseCommand):
    help = "Import a roster (.xlsx, .xls, .ods or .csv) into the archive."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--union", help="code of the union for rows that name none")
        parser.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, file, union, dry_run, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("There is no file %(f)s.") % {"f": file})
        default_union = None
        if union:
            default_union = Organisation.objects.filter(
                code=union, kind=OrganisationKind.GRASSROOTS, is_active=True
            ).first()
            if default_union is None:
                raise CommandError(_("There is no union with the code %(c)s.") % {"c": union})
        with context.acting(context.RequestContext(via="command")):
            try:
                ri = services.upload(
                    actor=SYSTEM, name=path.name, data=path.read_bytes(), default_union=default_union, via="command"
                )
            except Exception as e:
                messages = getattr(e, "messages", [str(e)])
                self._out({"error": " ".join(messages)}, json)
                sys.exit(2)
            ri = services.parse(ri)
            if ri.status == ImportStatus.FAILED:
                self._out({"error": ri.message, "import": ri.pk}, json)
                sys.exit(2)
            if not dry_run:
                with transaction.atomic():
                    ri.status = ImportStatus.APPLYING
                    ri.save(update_fields=["status"])
                services.apply(ri, actor=SYSTEM)
                ri.refresh_from_db()
            else:
                ri.status = ImportStatus.CANCELLED
                ri.message = "dry run"
                ri.save(update_fields=["status", "message"])
        rejected = [
            {"sheet": r.sheet, "row": r.row_number, "problems": r.problems}
            for r in ImportRow.objects.filter(roster_import=ri, action=RowAction.REJECT).order_by("id")
        ]
        c = ri.counts
        result = {
            "import": ri.pk,
            "dry_run": dry_run,
            "new": c.get("new", 0),
            "updated": c.get("update", 0),
            "unchanged": c.get("unchanged", 0),
            "rejected": c.get("reject", 0),
            "to_confirm": c.get("candidate", 0),
            "rejected_rows": rejected,
        }
        self._out(result, json)
        if c.get("rows", 0) == 0:
            sys.exit(1)

    def _out(self, result: dict, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if "error" in result:
            self.stderr.write(result["error"])
            return
        self.stdout.write(
            _("new %(new)s, updated %(updated)s, unchanged %(unchanged)s, rejected %(rejected)s, to confirm %(c)s")
            % {**result, "c": result["to_confirm"]}
        )
        for row in result["rejected_rows"]:
            reasons = "；".join(f"{p['column']}：{p['message']}" for p in row["problems"])
            self.stdout.write(_("row %(n)s: %(why)s") % {"n": row["row"], "why": reasons})
