from django.core.management.base import BaseCommand

from gongjiang.reports import counters


class Command(BaseCommand):
    help = "Recompute the dashboard counters from the archive (after a manual repair of the database)."

    def handle(self, *args, **options):
        counters.rebuild()
        self.stdout.write("ok")
