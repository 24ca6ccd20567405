"""python manage.py export_roster FILE [--union CODE] [--unmasked]: the roster as .xlsx."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import SYSTEM
from gongjiang.archive import exports
from gongjiang.archive.models import ModelWorker
from gongjiang.core import context
from gongjiang.core.commands import ChineseCommand


class Command(ChineseCommand):
    help = "Export the archive (or one union's people) to .xlsx; masked unless --unmasked."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--union", help="code of one union (and the unions under it)")
        parser.add_argument("--unmasked", action="store_true", help="full ID numbers and phones (audited)")

    def handle(self, *args, file, union, unmasked, **options):
        qs = ModelWorker.objects.filter(archived_at__isnull=True)
        description = _("All unions")
        if union:
            org = Organisation.objects.filter(code=union).first()
            if org is None:
                raise CommandError(_("There is no union with the code %(c)s.") % {"c": union})
            ids = Organisation.objects.filter(path__startswith=org.path).values_list("pk", flat=True)
            qs = qs.filter(union_id__in=list(ids))
            description = org.name
        with context.acting(context.RequestContext(via="command")):
            rows = exports.export_queryset(qs).order_by("highest_level", "name_pinyin", "id")
            n = exports.write_roster(exports.rows_of(rows), file, unmasked=unmasked, title=str(description))
            record(
                actor=SYSTEM,
                action=AuditAction.EXPORT,
                object_type="archive.modelworker",
                object_repr=str(_("Model-worker roster")),
                detail={"rows": n, "filters": str(description), "unmasked": unmasked, "file": file},
            )
        self.stdout.write(_("%(n)s people written to %(f)s.") % {"n": f"{n:,}", "f": file})
