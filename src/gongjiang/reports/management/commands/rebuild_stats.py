from gongjiang.core.commands import ChineseCommand
from gongjiang.reports import counters


class Command(ChineseCommand):
    help = "Recompute the dashboard counters from the archive (after a manual repair of the database)."

    def handle(self, *args, **options):
        counters.rebuild()
        self.stdout.write("ok")
