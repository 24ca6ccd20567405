"""``manage.py migrate``, run as the database's owner, followed by what the application needs.

Django's migrate, and then the cache table (the rate limits and lockout counters live there,
shared by every process) and, on PostgreSQL with ``DATABASE_OWNER_URL``, the privileges of
the application's role (``core.roles``): every step that needs the owner, in the one command
a release runs.
"""

from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections, transaction

from gongjiang.core import roles


class Command(DjangoMigrate):
    help = (
        "Apply migrations (as the owner when DATABASE_OWNER_URL is set), create the cache table "
        "and grant the application's role what it needs."
    )

    def handle(self, *args, **options):
        alias = options["database"]
        with roles.as_owner(alias) as app_role:
            super().handle(*args, **options)
            if options.get("plan") or options.get("check_unapplied"):
                return
            call_command("createcachetable", database=alias, verbosity=0)
            if app_role:
                conn = connections[alias]
                with transaction.atomic(using=alias), conn.cursor() as cur:
                    roles.grant_app_role(cur, app_role, conn.settings_dict["USER"])
                if options["verbosity"]:
                    self.stdout.write(f"Granted the application's role {app_role} its privileges.")
