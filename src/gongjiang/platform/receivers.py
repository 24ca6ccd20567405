"""The platform's answers to archive signals."""

from __future__ import annotations

from django.dispatch import receiver

from gongjiang.archive.signals import records_merged
from gongjiang.platform.models import Achievement, Mentorship, Unit, UnitMember


@receiver(records_merged, dispatch_uid="platform.records_merged")
def move_platform_references(sender, *, actor, keep, other, **kwargs):
    """The person leads, belongs, achieved and mentors under the record that is kept."""

    Unit.objects.filter(leader=other).update(leader=keep)
    on_team = set(UnitMember.objects.filter(model_worker=keep).values_list("unit_id", flat=True))
    UnitMember.objects.filter(model_worker=other).exclude(unit_id__in=on_team).update(model_worker=keep)
    Achievement.objects.filter(person=other).update(person=keep)
    Mentorship.objects.filter(master=other).update(master=keep)
