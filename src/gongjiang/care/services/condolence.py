"""Condolence money or goods given at a visit, through the treatment ledger (``benefits``):
the gift is a line of a visit batch of its scheme, approved and paid as every batch is."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, user_of
from gongjiang.benefits.models import Scheme
from gongjiang.benefits.services.condolence import give_at_visit
from gongjiang.care.models import Condolence, Visit


@transaction.atomic
def give_condolence(*, actor: Actor, visit: Visit, scheme: Scheme, amount=None) -> Condolence:
    """What was given at ``visit`` under ``scheme`` (an amount of money, or the scheme's goods)."""
    words = _("%(occasion)s visit on %(on)s") % {
        "occasion": visit.get_occasion_display(),
        "on": f"{visit.visited_on:%Y-%m-%d}",
    }
    line = give_at_visit(
        actor=actor, scheme=scheme, model_worker=visit.model_worker, on=visit.visited_on, amount=amount, words=words
    )
    condolence = Condolence.objects.create(visit=visit, line=line, created_by=user_of(actor))
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=condolence,
        object_repr=f"{visit.model_worker.name} · {scheme.name}",
        changes={"scheme": [None, scheme.name], "amount": [None, str(line.amount)], "visit": [None, str(visit)]},
    )
    return condolence
