"""Mentoring (师带徒): the agreement and its outcome."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import User
from gongjiang.accounts.permissions import Actor, require
from gongjiang.archive.models import ModelWorker
from gongjiang.platform.enums import (
    MentorshipState,
)
from gongjiang.platform.models import (
    Mentorship,
    Unit,
)
from gongjiang.platform.permissions import require_keep
from gongjiang.platform.services.common import check_person, clean_text

Perm = permissions.Perm


@transaction.atomic
def add_mentorship(
    *,
    actor: User,
    unit: Unit | None,
    master: ModelWorker | None,
    master_name: str,
    apprentice_name: str,
    agreed_on: dt.date,
    ends_on: dt.date,
    goals: str,
) -> Mentorship:
    if unit is not None:
        require_keep(actor, unit)
    else:
        require(actor, Perm.MANAGE_PLATFORM)
    check_person(actor, "master", master)
    master_name = master.name if master is not None else clean_text(master_name)
    errors: dict[str, list] = {}
    if not master_name:
        errors["master_name"] = [_("Choose the master or enter their name.")]
    if not clean_text(apprentice_name):
        errors["apprentice_name"] = [_("Enter the apprentice's name.")]
    if ends_on <= agreed_on:
        errors["ends_on"] = [_("The end is before the start.")]
    if not (goals or "").strip():
        errors["goals"] = [_("Write down the goals agreed.")]
    if errors:
        raise ValidationError(errors)
    item = Mentorship.objects.create(
        unit=unit,
        master=master,
        master_name=master_name[:50],
        apprentice_name=clean_text(apprentice_name)[:50],
        agreed_on=agreed_on,
        ends_on=ends_on,
        goals=goals.strip(),
        created_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=item)
    return item


@transaction.atomic
def record_mentorship_outcome(
    *,
    actor: Actor,
    mentorship: Mentorship,
    state: str,
    contest_place: str = "",
    grade_reached: str = "",
    outcome_on: dt.date | None = None,
    reward: str = "",
) -> Mentorship:
    if mentorship.unit is not None:
        require_keep(actor, mentorship.unit)
    else:
        require(actor, Perm.MANAGE_PLATFORM)
    if state not in MentorshipState.values:
        raise ValidationError({"state": [_("Choose the state.")]})
    fields = ["state", "contest_place", "grade_reached", "outcome_on", "reward"]
    before = snapshot(mentorship, fields)
    mentorship.state, mentorship.contest_place, mentorship.grade_reached = (
        state,
        clean_text(contest_place),
        clean_text(grade_reached),
    )
    mentorship.outcome_on, mentorship.reward = outcome_on, clean_text(reward)
    changes = diff(before, snapshot(mentorship, fields))
    if changes:
        mentorship.save(update_fields=fields)
        record(actor=actor, action=AuditAction.UPDATE, obj=mentorship, changes=changes)
    return mentorship
