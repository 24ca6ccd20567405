"""Read side of care: querysets scoped to what the user may see, and the suggestions of whom to invite.

Campaigns and batches (dates, places, how many are taken) are the federation's plan and every
reader of care sees them; the people in them are scoped like the archive (a union its own).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.archive.enums import MODEL_WORKER_KINDS, MUNICIPAL_AND_ABOVE, Status, Verification
from gongjiang.archive.models import HardshipFile, Honour, ModelWorker
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.benefits.models import TreatmentHold
from gongjiang.care.enums import CampaignKind, Criterion, InvitationState
from gongjiang.care.models import Batch, Campaign, CareRule, Invitation
from gongjiang.care.services.rules import rule_in_effect

SUGGESTIONS_SHOWN = 50


def campaigns(kind: str) -> QuerySet[Campaign]:
    return Campaign.objects.filter(kind=kind).annotate(
        n_batches=Count("batches", distinct=True),
    )


def batches_of(campaign: Campaign) -> QuerySet[Batch]:
    return campaign.batches.order_by("starts_on", "id")


def invitations(user, *, campaign: Campaign | None = None, batch: Batch | None = None) -> QuerySet[Invitation]:
    """The invitations of the people the user may see, with their person and batch."""
    qs = Invitation.objects.select_related("model_worker", "model_worker__union", "batch")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if batch is not None:
        qs = qs.filter(batch=batch)
    scope = permissions.union_scope(user)
    if scope is None:
        return qs
    return qs.filter(model_worker__union_id__in=scope) if scope else qs.none()


def state_counts(*, campaign: Campaign | None = None, batch: Batch | None = None) -> dict[str, int]:
    """How many invitations are in each state (figures, not people: the same for every reader)."""
    qs = Invitation.objects.all()
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if batch is not None:
        qs = qs.filter(batch=batch)
    counts = dict.fromkeys(InvitationState.values, 0)
    counts.update(dict(qs.values_list("state").annotate(n=Count("id")).order_by()))
    return counts


def rules(kind: str) -> QuerySet[CareRule]:
    return CareRule.objects.filter(kind=kind).select_related("created_by").order_by("-effective_from", "-id")


# --- Suggestions ------------------------------------------------------------------------------


@dataclass
class Suggestion:
    person: ModelWorker
    last_year: int | None
    reason: str


def _retired_on(ref: dt.date) -> Q:
    return Q(retired_on__lte=ref) | Q(retired_on__isnull=True, status__in=[Status.RETIRED, Status.DECEASED])


def titled_in(year: int, ref: dt.date) -> Exists:
    """Held a model-worker title of municipal level or above in ``year``, not revoked by ``ref``."""
    return Exists(
        Honour.objects.filter(
            model_worker=OuterRef("pk"),
            kind__in=MODEL_WORKER_KINDS,
            level__in=MUNICIPAL_AND_ABOVE,
            year__lte=year,
            voided_at__isnull=True,
        ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=ref))
    )


def in_hardship_on(ref: dt.date) -> Exists:
    """A hardship file open on ``ref`` (the file keeps its dates, so past years are answered too)."""
    return Exists(
        HardshipFile.objects.filter(model_worker=OuterRef("pk"), established_on__lte=ref).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=ref)
        )
    )


def alive_on(ref: dt.date) -> Q:
    return Q(died_on__isnull=True) & ~Q(status=Status.DECEASED) | Q(died_on__gt=ref)


def reference_date(campaign: Campaign) -> dt.date:
    """The day a campaign's rule and facts are read on: the first of its year."""
    return dt.date(campaign.year, 1, 1)


def suggestions(
    user, campaign: Campaign, *, limit: int = SUGGESTIONS_SHOWN
) -> tuple[CareRule | None, list[Suggestion]]:
    """Whom to invite, in the order of the rule in effect for the campaign's year, with why in words.

    Due: a title of municipal level or above held and not revoked at the start of the year, alive,
    verified, under no treatment hold in the year, not yet in the campaign, and the rule's interval
    (working / retired as of the start of the year) passed since the last time attended."""
    ref = reference_date(campaign)
    rule = rule_in_effect(campaign.kind, ref)
    if rule is None:
        return None, []
    year_end = dt.date(campaign.year, 12, 31)
    held = TreatmentHold.objects.filter(model_worker=OuterRef("pk"), starts_on__lte=year_end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=ref)
    )
    in_campaign = Invitation.objects.filter(model_worker=OuterRef("pk"), campaign=campaign)
    last = (
        Invitation.objects.filter(
            model_worker=OuterRef("pk"),
            state=InvitationState.ATTENDED,
            campaign__kind=campaign.kind,
            campaign__year__lt=campaign.year,
        )
        .order_by("-campaign__year")
        .values("campaign__year")[:1]
    )
    retired = _retired_on(ref)
    due = Q(pk__in=[])
    for every, who in ((rule.working_every, ~retired), (rule.retired_every, retired)):
        if every:
            due |= who & (Q(last_year__isnull=True) | Q(last_year__lte=campaign.year - every))
    qs = (
        visible_model_workers(user)
        .filter(verification=Verification.CONFIRMED)
        .filter(alive_on(ref))
        .filter(titled_in(campaign.year, ref))
        .exclude(Exists(held))
        .exclude(Exists(in_campaign))
        .annotate(
            last_year=Subquery(last, output_field=IntegerField()),
            is_retired=Case(When(retired, then=Value(1)), default=Value(0), output_field=IntegerField()),
            hardship=in_hardship_on(ref),
        )
        .filter(due)
    )
    order = {
        Criterion.OVERDUE: F("last_year").asc(nulls_last=True),
        Criterion.NEVER: Case(When(last_year__isnull=True, then=Value(0)), default=Value(1)).asc(),
        Criterion.AGE: F("birth_date").asc(),
        Criterion.HARDSHIP: F("hardship").desc(),
        Criterion.WORKING: F("is_retired").asc(),
        Criterion.FRONT_LINE: F("front_line").desc(),
    }
    keys = [order[c] for c in rule.priority if c in order]
    people = list(qs.select_related("union", "employer").order_by(*keys, "pk")[:limit])
    return rule, [Suggestion(p, p.last_year, reason_for(p, campaign, rule, ref)) for p in people]


def reason_for(person: Any, campaign: Campaign, rule: CareRule, ref: dt.date) -> str:
    """Why a person is suggested, in words: when last, the interval that applies, age, hardship.
    ``person`` is a suggestions row: a ModelWorker annotated with last_year, is_retired, hardship."""
    kind = CampaignKind(campaign.kind).label
    parts = []
    if person.last_year is None:
        parts.append(_("never had a %(kind)s") % {"kind": kind})
    else:
        parts.append(
            _("last %(kind)s in %(year)s, %(n)s years ago")
            % {"kind": kind, "year": person.last_year, "n": campaign.year - person.last_year}
        )
    if person.is_retired:
        parts.append(_("retired: every %(n)s years") % {"n": rule.retired_every})
    else:
        parts.append(_("working: every %(n)s years") % {"n": rule.working_every})
    b = person.birth_date
    age = ref.year - b.year - ((ref.month, ref.day) < (b.month, b.day))
    parts.append(_("aged %(n)s") % {"n": age})
    if person.front_line and Criterion.FRONT_LINE in rule.priority:
        parts.append(_("front line or harsh job"))
    if person.hardship:
        parts.append(_("in hardship"))
    return "；".join(str(p) for p in parts)
