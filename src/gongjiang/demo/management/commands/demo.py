"""python manage.py demo [--size N]: fictional but realistic demo data, safe to run again."""

import datetime as dt

from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import demo as account_demo
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import SYSTEM
from gongjiang.archive.enums import Level, Status
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import demo as benefits_demo
from gongjiang.core import context
from gongjiang.core.commands import ChineseCommand
from gongjiang.demo import care as care_demo
from gongjiang.demo import care_events
from gongjiang.demo import people as archive_demo
from gongjiang.demo import platform as platform_demo

MAX_SIZE = 1_000_000


class Command(ChineseCommand):
    help = "Create the demo organisations, users and model workers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            type=int,
            default=archive_demo.DEFAULT_SIZE,
            help=(
                f"people to create when the archive is empty (default {archive_demo.DEFAULT_SIZE:,}: the "
                "article's 1,285 at the end of 2016 and those honoured since)"
            ),
        )
        parser.add_argument("--seed", type=int, default=20161)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the day the demo's history runs to (YYYY-MM-DD, default today): the same day, the same demo",
        )

    def handle(self, *args, size: int, seed: int, today: dt.date | None, **options):
        if not 1 <= size <= MAX_SIZE:
            raise CommandError(_("--size must be between 1 and %(n)s.") % {"n": f"{MAX_SIZE:,}"})
        real_today = timezone.localdate()
        today = today or real_today
        if today > real_today:
            raise CommandError(_("--today cannot be in the future."))
        with context.acting(context.RequestContext(via="command")):
            fed, unions = account_demo.ensure_organisations()
            existing = ModelWorker.objects.count()
            if existing:
                self.stdout.write(_("The archive already holds %(n)s people; no people were added.") % {"n": existing})
            else:
                result = archive_demo.generate(size, seed=seed, today=today)
                # Bulk-loaded people have no entries of their own; the load itself is on record.
                record(
                    actor=SYSTEM,
                    action=AuditAction.CREATE,
                    object_type="archive.modelworker",
                    object_repr=_("Demo data: %(n)s people") % {"n": f"{result.people:,}"},
                    detail={"rows": result.people, "seed": seed},
                )
                self.stdout.write(
                    _("Created %(people)s people and %(honours)s honours in %(s).1f s (%(rate)s people a second).")
                    % {
                        "people": f"{result.people:,}",
                        "honours": f"{result.honours:,}",
                        "s": result.seconds,
                        "rate": f"{result.rate:,.0f}",
                    }
                )
            worker = (
                ModelWorker.objects.filter(highest_level=Level.PROVINCIAL, status=Status.RETIRED).order_by("id").first()
            )
            leader = platform_demo.leader_for_demo()
            made = account_demo.ensure_users(fed, unions, worker=worker, leader=leader)
            if benefits_demo.populate(
                preparer=User.objects.get(username="staff"),
                approver=User.objects.get(username="admin"),
                today=today,
            ):
                self.stdout.write(_("Treatment schemes and this year's payments were created."))
            if platform_demo.populate(
                staff=User.objects.get(username="staff"),
                admin=User.objects.get(username="admin"),
                leader_record=leader,
                today=today,
            ):
                self.stdout.write(_("The 三创 platform's units, evaluations, funding and achievements were created."))
            care_events.play_events(today=today)
            care_demo.play_care(today=today)
            # Thousands of rows just written: fresh statistics, or the planner takes the tables for
            # empty until autovacuum comes round (never, inside a test's transaction) and pages crawl.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            if made:
                self.stdout.write(
                    _("Demo users created: %(users)s (password %(pw)s)")
                    % {"users": ", ".join(made), "pw": account_demo.DEMO_PASSWORD}
                )
