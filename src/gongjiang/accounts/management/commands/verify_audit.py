"""``manage.py verify_audit``: walk the audit log's hash chain and name the first broken link."""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.accounts import chain
from gongjiang.core.commands import ChineseCommand

REASONS = {
    "link": gettext_lazy(
        "it does not follow the entry before it: an entry was removed, changed or slipped in before it"
    ),
    "content": gettext_lazy("its content does not match its hash: it was changed"),
}


class Command(ChineseCommand):
    help = "Check that no audit entry was changed, removed or slipped in (the hash chain)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="entries read at a time")

    def handle(self, *args, batch: int, **options):
        verdict = chain.verify(batch=batch)
        if not verdict.ok:
            raise CommandError(
                _("The audit log is broken at entry %(id)s (%(at)s), after %(n)s intact entries: %(why)s.")
                % {
                    "id": verdict.broken_id,
                    "at": timezone.localtime(verdict.broken_at).strftime("%Y-%m-%d %H:%M:%S"),
                    "n": verdict.count,
                    "why": REASONS[verdict.reason],
                }
            )
        if not verdict.count:
            self.stdout.write(_("OK: the audit log is empty."))
            return
        self.stdout.write(
            _("OK: %(n)s audit entries, each following the one before. Last entry %(id)s, hash %(hash)s.")
            % {"n": verdict.count, "id": verdict.head_id, "hash": verdict.head_hash}
        )
