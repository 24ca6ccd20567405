"""The platform's rules: stars, grades, evaluation and funding weights."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Actor, require
from gongjiang.platform.models import (
    PlatformPolicy,
)

Perm = permissions.Perm


POLICY_FIELDS = [
    "max_stars",
    "star_thresholds",
    "studio_leader_level",
    "plaque_prefix",
    "aggregation",
    "min_reviewers",
    "band_excellent",
    "band_good",
    "band_pass",
    "promote_rounds",
    "remove_after_fails",
    "warning_days",
    "grant_new_studio",
    "grant_reconfirmed_studio",
    "tier_weights",
    "grade_weights",
]


@transaction.atomic
def save_policy(*, actor: Actor, data: dict[str, Any]) -> PlatformPolicy:
    require(actor, Perm.MANAGE_PLATFORM)
    policy = PlatformPolicy.objects.select_for_update().get(pk=PlatformPolicy.current().pk)
    before = snapshot(policy, POLICY_FIELDS)
    for key in POLICY_FIELDS:
        if key in data:
            setattr(policy, key, data[key])
    errors: dict[str, list] = {}
    if not policy.band_pass < policy.band_good < policy.band_excellent <= 100:
        errors["band_excellent"] = [_("The grades must rise: 合格 < 良好 < 优秀 ≤ 100.")]
    thresholds = list(policy.star_thresholds or [])
    if (
        len(thresholds) != policy.max_stars
        or thresholds != sorted(thresholds)
        or any(not 0 <= t <= 100 for t in thresholds)
    ):
        errors["star_thresholds"] = [_("Give a rising score for each star, one per star.")]
    if errors:
        raise ValidationError(errors)
    policy.save()
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=policy, changes=changes)
    return policy
