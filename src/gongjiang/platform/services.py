"""The 三创 platform's units: application, review, plaque award, the six haves and their
evidence, members, inspections, meetings, achievements, mentoring, targets and the rules.

Every change checks who may make it, runs in one transaction, writes the audit entry, and
for the unit's standing (tier, stars, status) a line of the unit's history.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import diff, record, snapshot
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.archive.enums import Level
from gongjiang.archive.models import ModelWorker
from gongjiang.core import uploads
from gongjiang.core.errors import DomainError
from gongjiang.platform.enums import (
    TIER_CODE,
    AchievementKind,
    EventKind,
    Have,
    InspectionState,
    MemberRole,
    MentorshipState,
    Tier,
    UnitStatus,
)
from gongjiang.platform.models import (
    Achievement,
    Evidence,
    FollowUp,
    Inspection,
    Meeting,
    Mentorship,
    PlatformPolicy,
    Target,
    TierSpan,
    Unit,
    UnitEvent,
    UnitHave,
    UnitMember,
)

Perm = permissions.Perm
UNIT_FIELDS = [
    "name",
    "tier",
    "leader",
    "leader_name",
    "employer",
    "union",
    "field",
    "venue",
    "founded_on",
    "description",
]
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".wps", ".txt")


# --- Who may ---------------------------------------------------------------------------------


def _require(actor, perm: Perm) -> None:
    if actor is not None and not permissions.has_perm(actor, perm):
        raise PermissionDenied(_("You may not do this."))


def may_see_unit(user, unit: Unit) -> bool:
    """The federation and the auditor see every unit; a union its own units; a leader the
    units they lead."""
    if not permissions.has_perm(user, Perm.VIEW_PLATFORM):
        return False
    if permissions.has_perm(user, Perm.VIEW_ALL_RECORDS):
        return True
    if user.role == Role.STUDIO_LEADER:
        return user.model_worker_id is not None and unit.leader_id == user.model_worker_id
    scope = permissions.union_scope(user)
    return scope is not None and unit.union_id in scope


def may_keep_unit(user, unit: Unit) -> bool:
    """Members, meetings, achievements, mentoring, expenses and evidence of a unit."""
    if user is None:
        return True
    if permissions.has_perm(user, Perm.MANAGE_PLATFORM):
        return True
    return permissions.has_perm(user, Perm.KEEP_UNITS) and may_see_unit(user, unit)


def may_edit_unit(user, unit: Unit) -> bool:
    """What a unit is: the federation edits it; a union only its own application still under review."""
    return permissions.has_perm(user, Perm.MANAGE_PLATFORM) or (
        unit.status == UnitStatus.APPLYING
        and permissions.has_perm(user, Perm.APPLY_UNITS)
        and may_keep_unit(user, unit)
    )


def _require_keep(actor, unit: Unit) -> None:
    if not may_keep_unit(actor, unit):
        raise PermissionDenied(_("You may not change this unit."))


def _event(
    unit: Unit, kind: str, *, actor, on: dt.date | None = None, before: str = "", after: str = "", reason: str = ""
) -> UnitEvent:
    return UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        on=on or timezone.localdate(),
        before=str(before)[:60],
        after=str(after)[:60],
        reason=reason,
        actor=actor if _is_user(actor) else None,
    )


def _is_user(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def _text(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


# --- Application, review, plaque ---------------------------------------------------------------


def check_leader(tier: str, leader: ModelWorker | None, leader_name: str, policy: PlatformPolicy) -> None:
    """A unit needs a leader; a studio's leader must be a model worker of the policy's level or
    higher (municipal by default)."""
    if leader is None and not _text(leader_name):
        raise ValidationError({"leader": [_("Choose the leader from the archive, or give their name.")]})
    if tier == Tier.STUDIO:
        level = leader.highest_level if leader is not None else Level.NONE
        if leader is None or level > policy.studio_leader_level:
            lowest = Level(policy.studio_leader_level).label
            raise ValidationError(
                {
                    "leader": [
                        _("A studio's leader must be a model worker of %(level)s level or higher.") % {"level": lowest}
                    ]
                }
            )


def _clean_unit(actor, data: dict[str, Any], policy: PlatformPolicy) -> dict[str, Any]:
    clean = dict(data)
    errors: dict[str, list] = {}
    clean["name"] = _text(data.get("name"))
    if not clean["name"]:
        errors["name"] = [_("Enter the name of the unit.")]
    if data.get("tier") not in Tier.values:
        errors["tier"] = [_("Choose the tier.")]
    union = data.get("union")
    if union is None:
        errors["union"] = [_("Choose the union.")]
    elif actor is not None and not permissions.may_use_union(actor, union):
        errors["union"] = [_("You may not apply for another union.")]
    clean["leader_name"] = _text(data.get("leader_name")) if data.get("leader") is None else ""
    if not errors:
        try:
            check_leader(clean["tier"], data.get("leader"), clean["leader_name"], policy)
        except ValidationError as e:
            errors.update(e.message_dict)
    founded = data.get("founded_on")
    if founded and founded > timezone.localdate():
        errors["founded_on"] = [_("The date is in the future.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def apply_unit(*, actor, data: dict[str, Any], on: dt.date | None = None) -> Unit:
    """An application for a unit (by the federation, or a union for its own people). ``on``
    back-dates it, for history entered from the paper files."""
    _require(actor, Perm.APPLY_UNITS)
    policy = PlatformPolicy.current()
    clean = _clean_unit(actor, data, policy)
    on = on or timezone.localdate()
    unit = Unit(status=UnitStatus.APPLYING, status_since=on, created_by=actor)
    for key in UNIT_FIELDS:
        if key in clean:
            setattr(unit, key, clean[key])
    unit.save()
    UnitHave.objects.bulk_create([UnitHave(unit=unit, have=h) for h in Have.values])
    leader = clean.get("leader")
    UnitMember.objects.create(
        unit=unit,
        model_worker=leader,
        name=leader.name if leader else clean["leader_name"],
        role=MemberRole.LEADER,
        joined_on=unit.founded_on,
    )
    _event(unit, EventKind.APPLIED, actor=actor, on=on, after=unit.get_tier_display())
    record(actor=actor, action=AuditAction.CREATE, obj=unit, changes=diff({}, snapshot(unit, UNIT_FIELDS)))
    return unit


@transaction.atomic
def update_unit(*, actor, unit: Unit, data: dict[str, Any], version: int | None = None) -> Unit:
    """Edit what a unit is (not its standing: tier, stars and status move by the rules)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not may_edit_unit(actor, unit):
        raise PermissionDenied(_("You may not change this unit."))
    if version is not None and version != unit.version:
        raise DomainError(
            _("Someone else changed this unit meanwhile. Reload the page and make your changes again."), code="conflict"
        )
    policy = PlatformPolicy.current()
    fields = [f for f in UNIT_FIELDS if f != "tier"]
    merged = {key: data.get(key, getattr(unit, key)) for key in fields}
    merged["tier"] = unit.tier
    clean = _clean_unit(actor, merged, policy)
    before = snapshot(unit, fields)
    for key in fields:
        setattr(unit, key, clean[key])
    changes = diff(before, snapshot(unit, fields))
    if changes:
        unit.version += 1
        unit.save()
        if "leader" in changes or "leader_name" in changes:
            _change_leader(unit, clean.get("leader"), clean["leader_name"])
        record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes=changes)
    return unit


def _change_leader(unit: Unit, leader: ModelWorker | None, leader_name: str) -> None:
    today = timezone.localdate()
    UnitMember.objects.filter(unit=unit, role=MemberRole.LEADER, left_on__isnull=True).update(left_on=today)
    UnitMember.objects.create(
        unit=unit,
        model_worker=leader,
        name=leader.name if leader else leader_name,
        role=MemberRole.LEADER,
        joined_on=today,
    )


def _lock(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def review_unit(*, actor, unit: Unit, approve: bool, reason: str, on: dt.date | None = None) -> Unit:
    """The federation's review of an application: approved (awaiting the plaque) or not."""
    _require(actor, Perm.MANAGE_PLATFORM)
    unit = _lock(unit)
    if unit.status != UnitStatus.APPLYING:
        raise DomainError(_("Only an application can be reviewed."), code="conflict")
    if not approve and not _text(reason):
        raise ValidationError({"reason": [_("Say why the application is not approved.")]})
    before = unit.status
    on = on or timezone.localdate()
    unit.status = UnitStatus.APPROVED if approve else UnitStatus.REJECTED
    unit.status_since = on
    unit.save(update_fields=["status", "status_since", "updated_at"])
    _event(unit, EventKind.APPROVED if approve else EventKind.REJECTED, actor=actor, on=on, reason=_text(reason))
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        changes={"status": [before, unit.status]},
        detail={"reason": _text(reason)},
    )
    return unit


def next_plaque_number(tier: str, year: int, policy: PlatformPolicy) -> str:
    """The unified format PREFIX-CODE-YEAR-NNN (e.g. LX-GZS-2016-001), numbered per tier and year;
    numbers of earlier plaques (kept in the history) are never reused."""
    stem = f"{policy.plaque_prefix}-{TIER_CODE[tier]}-{year}-"
    used = list(TierSpan.objects.filter(plaque_number__startswith=stem).values_list("plaque_number", flat=True))
    used += list(Unit.objects.filter(plaque_number__startswith=stem).values_list("plaque_number", flat=True))
    last = max((int(n.rsplit("-", 1)[1]) for n in used if n.rsplit("-", 1)[1].isdigit()), default=0)
    return f"{stem}{last + 1:03d}"


def _new_plaque(unit: Unit, tier: str, on: dt.date) -> str:
    # One plaque at a time: the policy row is the lock that keeps numbers unique and in order.
    policy = PlatformPolicy.objects.select_for_update().get(pk=PlatformPolicy.current().pk)
    number = next_plaque_number(tier, on.year, policy)
    TierSpan.objects.filter(unit=unit, ends_on__isnull=True).update(ends_on=on)
    TierSpan.objects.create(unit=unit, tier=tier, plaque_number=number, starts_on=on)
    return number


def haves_missing(unit: Unit) -> list[str]:
    """The six haves the unit has not met yet (their keys, in the order of the six)."""
    met = set(unit.haves.filter(met=True).values_list("have", flat=True))
    return [h for h in Have.values if h not in met]


@transaction.atomic
def award_plaque(*, actor, unit: Unit, on: dt.date, stars: int | None = None, override_reason: str = "") -> Unit:
    """授牌: the approved unit gets its plaque number and is established from this day.

    A plaque certifies the six haves: it is awarded once all six are met, or — an exception
    the federation makes — with the reason for it, which goes into the unit's history."""
    _require(actor, Perm.MANAGE_PLATFORM)
    unit = _lock(unit)
    if unit.status != UnitStatus.APPROVED:
        raise DomainError(_("A plaque is awarded once the application is approved."), code="conflict")
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date is in the future.")]})
    missing = "、".join(str(Have(h).label) for h in haves_missing(unit))
    override_reason = _text(override_reason)
    if missing and not override_reason:
        raise DomainError(
            _(
                "The six haves are not all met (not yet: %(m)s). A plaque is awarded once they are; "
                "to award it all the same, give the reason for the exception."
            )
            % {"m": missing},
            code="conflict",
        )
    exception = (
        _("Awarded although the six haves are not all met (not yet: %(m)s): %(r)s")
        % {"m": missing, "r": override_reason}
        if missing
        else ""
    )
    policy = PlatformPolicy.current()
    if unit.tier == Tier.STAR_POST:
        stars = stars or 1
        if not 1 <= stars <= policy.max_stars:
            raise ValidationError({"stars": [_("A star post has 1 to %(n)s stars.") % {"n": policy.max_stars}]})
        unit.stars = stars
    unit.plaque_number = _new_plaque(unit, unit.tier, on)
    unit.awarded_on = on
    unit.status = UnitStatus.ACTIVE
    unit.status_since = on
    unit.save()
    _event(unit, EventKind.AWARDED, actor=actor, on=on, after=unit.plaque_number, reason=exception)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        changes={"status": [UnitStatus.APPROVED, UnitStatus.ACTIVE], "plaque_number": [None, unit.plaque_number]},
        detail={"reason": exception} if exception else None,
    )
    return unit


# --- The six haves and evidence --------------------------------------------------------------


@transaction.atomic
def set_have(*, actor, unit: Unit, have: str, met: bool, note: str) -> UnitHave:
    _require_keep(actor, unit)
    if have not in Have.values:
        raise ValidationError(_("Unknown item."))
    item, _created = UnitHave.objects.select_for_update().get_or_create(unit=unit, have=have)
    before = {"met": item.met, "note": item.note}
    item.met, item.note, item.updated_by = bool(met), (note or "").strip(), actor if _is_user(actor) else None
    item.save()
    changes = diff(before, {"met": item.met, "note": item.note})
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes={f"{have}.{k}": v for k, v in changes.items()})
    return item


def _check_upload(upload, *, suffixes=EVIDENCE_SUFFIXES) -> None:
    limit = settings.GONGJIANG.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}]})
    if not upload.name.lower().endswith(suffixes):
        raise ValidationError({"file": [_("Upload a PDF, a picture (JPEG, PNG), a Word or Excel file.")]})
    uploads.check(upload)


@transaction.atomic
def add_evidence(
    *, actor, unit: Unit, upload, caption: str = "", have: str = "", achievement: Achievement | None = None
) -> Evidence:
    _require_keep(actor, unit)
    _check_upload(upload)
    if achievement is not None and achievement.unit_id != unit.pk:
        raise PermissionDenied(_("You may not change this unit."))
    evidence = Evidence(
        unit=unit,
        have=have if have in Have.values else "",
        achievement=achievement,
        original_name=upload.name[-200:],
        size=upload.size,
        caption=_text(caption)[:200],
        uploaded_by=actor,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    record(actor=actor, action=AuditAction.CREATE, obj=evidence, object_repr=f"{unit} · {evidence.original_name}")
    return evidence


@transaction.atomic
def withdraw_evidence(*, actor, evidence: Evidence) -> Evidence:
    """The file stays with the record (an auditor may ask for it); it no longer counts."""
    _require_keep(actor, evidence.unit)
    if evidence.withdrawn_at is None:
        evidence.withdrawn_at = timezone.now()
        evidence.save(update_fields=["withdrawn_at"])
        record(actor=actor, action=AuditAction.VOID, obj=evidence, object_repr=evidence.original_name)
    return evidence


# --- Members -------------------------------------------------------------------------------


@transaction.atomic
def add_member(
    *,
    actor,
    unit: Unit,
    model_worker: ModelWorker | None,
    name: str,
    position: str = "",
    joined_on: dt.date | None = None,
    note: str = "",
) -> UnitMember:
    _require_keep(actor, unit)
    name = model_worker.name if model_worker is not None else _text(name)
    if not name:
        raise ValidationError({"name": [_("Choose a model worker or enter the member's name.")]})
    if (
        model_worker is not None
        and UnitMember.objects.filter(unit=unit, model_worker=model_worker, left_on__isnull=True).exists()
    ):
        raise ValidationError({"model_worker": [_("%(name)s is already on the team.") % {"name": name}]})
    member = UnitMember.objects.create(
        unit=unit,
        model_worker=model_worker,
        name=name[:50],
        position=_text(position)[:60],
        joined_on=joined_on,
        note=_text(note)[:200],
    )
    record(actor=actor, action=AuditAction.CREATE, obj=member, object_repr=f"{unit} · {name}")
    return member


@transaction.atomic
def end_member(*, actor, member: UnitMember, left_on: dt.date) -> UnitMember:
    _require_keep(actor, member.unit)
    if member.role == MemberRole.LEADER:
        raise DomainError(_("The leader changes by editing the unit."))
    if member.joined_on and left_on < member.joined_on:
        raise ValidationError({"left_on": [_("The date is before the member joined.")]})
    if member.left_on is None:
        member.left_on = left_on
        member.save(update_fields=["left_on"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"left_on": [None, left_on.isoformat()]},
            object_repr=f"{member.unit} · {member.name}",
        )
    return member


# --- Inspections and meetings ----------------------------------------------------------------


@transaction.atomic
def add_inspection(
    *, actor, unit: Unit, inspected_on: dt.date, inspectors: str, findings: str, deadline: dt.date | None
) -> Inspection:
    """督查: the federation's visit; with a deadline, it stays open until the findings are put right."""
    _require(actor, Perm.MANAGE_PLATFORM)
    if deadline and deadline < inspected_on:
        raise ValidationError({"deadline": [_("The deadline is before the inspection.")]})
    inspection = Inspection.objects.create(
        unit=unit,
        inspected_on=inspected_on,
        inspectors=_text(inspectors)[:200],
        findings=findings.strip(),
        deadline=deadline,
        state=InspectionState.OPEN if deadline else InspectionState.CLOSED,
        closed_on=None if deadline else inspected_on,
        created_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=inspection, object_repr=f"{unit} · {inspected_on}")
    return inspection


@transaction.atomic
def follow_up(*, actor, inspection: Inspection, on: dt.date, note: str, close: bool = False) -> FollowUp:
    """The unit (or the federation) says what was done; the federation closes the inspection."""
    _require_keep(actor, inspection.unit)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.state == InspectionState.CLOSED:
        raise DomainError(_("This inspection is closed."), code="conflict")
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say what was done.")]})
    item = FollowUp.objects.create(inspection=inspection, on=on, note=note.strip(), by=actor)
    if close:
        _require(actor, Perm.MANAGE_PLATFORM)
        inspection.state, inspection.closed_on = InspectionState.CLOSED, on
        inspection.save(update_fields=["state", "closed_on"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=inspection,
        object_repr=f"{inspection.unit} · {inspection.inspected_on}",
        changes={"state": [InspectionState.OPEN, inspection.state]} if close else {},
        detail={"follow_up": item.pk},
    )
    return item


@transaction.atomic
def add_meeting(*, actor, unit: Unit, held_on: dt.date, attendees: str, minutes: str, decisions: str = "") -> Meeting:
    _require_keep(actor, unit)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("The date is in the future.")]})
    meeting = Meeting.objects.create(
        unit=unit,
        held_on=held_on,
        attendees=attendees.strip(),
        minutes=minutes.strip(),
        decisions=(decisions or "").strip(),
        recorded_by=actor,
    )
    record(actor=actor, action=AuditAction.CREATE, obj=meeting, object_repr=f"{unit} · {held_on}")
    return meeting


# --- Achievements and mentoring --------------------------------------------------------------

ACHIEVEMENT_FIELDS = [
    "unit",
    "person",
    "person_name",
    "kind",
    "title",
    "level",
    "role",
    "project_status",
    "scope",
    "issuer",
    "year",
    "achieved_on",
    "note",
]


def _clean_achievement(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: data.get(k) for k in ACHIEVEMENT_FIELDS}
    errors: dict[str, list] = {}
    clean["title"] = _text(data.get("title"))[:200]
    if not clean["title"]:
        errors["title"] = [_("Enter the title.")]
    kind = data.get("kind")
    if kind not in AchievementKind.values:
        errors["kind"] = [_("Choose the kind.")]
    for key in ("person_name", "issuer", "level", "role", "project_status", "scope", "note"):
        clean[key] = _text(data.get(key)) if key != "note" else (data.get(key) or "").strip()
    if clean["person"] is not None:
        clean["person_name"] = ""
    if kind == AchievementKind.PROJECT and not (clean["role"] and clean["project_status"]):
        errors["role"] = [_("Say whether the project was led or joined, and whether it is completed.")]
    if kind == AchievementKind.HONOUR and not clean["scope"]:
        errors["scope"] = [_("Say whether the honour is collective or individual.")]
    if kind != AchievementKind.PROJECT:
        clean["role"] = clean["project_status"] = ""
    if kind != AchievementKind.HONOUR:
        clean["scope"] = ""
    year = data.get("year")
    if not year or not 1949 <= int(year) <= timezone.localdate().year:
        errors["year"] = [_("Enter the year it was achieved.")]
    if clean["unit"] is None and clean["person"] is None and not clean["person_name"]:
        errors["person_name"] = [_("An achievement belongs to a unit or a person.")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def add_achievement(*, actor, data: dict[str, Any]) -> Achievement:
    clean = _clean_achievement(data)
    if clean["unit"] is not None:
        _require_keep(actor, clean["unit"])
    else:
        _require(actor, Perm.MANAGE_PLATFORM)
    achievement = Achievement.objects.create(created_by=actor, **clean)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=achievement,
        changes=diff({}, snapshot(achievement, ACHIEVEMENT_FIELDS)),
    )
    return achievement


@transaction.atomic
def void_achievement(*, actor, achievement: Achievement, reason: str) -> Achievement:
    """Entered by mistake: it stays on record and no longer counts."""
    if achievement.unit_id:
        _require_keep(actor, achievement.unit)
    else:
        _require(actor, Perm.MANAGE_PLATFORM)
    if not _text(reason):
        raise ValidationError({"reason": [_("Say why it is voided.")]})
    if achievement.voided_at is None:
        achievement.voided_at, achievement.void_reason = timezone.now(), _text(reason)[:200]
        achievement.save(update_fields=["voided_at", "void_reason"])
        record(actor=actor, action=AuditAction.VOID, obj=achievement, detail={"reason": achievement.void_reason})
    return achievement


@transaction.atomic
def add_mentorship(
    *,
    actor,
    unit: Unit | None,
    master: ModelWorker | None,
    master_name: str,
    apprentice_name: str,
    agreed_on: dt.date,
    ends_on: dt.date,
    goals: str,
) -> Mentorship:
    if unit is not None:
        _require_keep(actor, unit)
    else:
        _require(actor, Perm.MANAGE_PLATFORM)
    master_name = master.name if master is not None else _text(master_name)
    errors: dict[str, list] = {}
    if not master_name:
        errors["master_name"] = [_("Choose the master or enter their name.")]
    if not _text(apprentice_name):
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
        apprentice_name=_text(apprentice_name)[:50],
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
    actor,
    mentorship: Mentorship,
    state: str,
    contest_place: str = "",
    grade_reached: str = "",
    outcome_on: dt.date | None = None,
    reward: str = "",
) -> Mentorship:
    if mentorship.unit_id:
        _require_keep(actor, mentorship.unit)
    else:
        _require(actor, Perm.MANAGE_PLATFORM)
    if state not in MentorshipState.values:
        raise ValidationError({"state": [_("Choose the state.")]})
    fields = ["state", "contest_place", "grade_reached", "outcome_on", "reward"]
    before = snapshot(mentorship, fields)
    mentorship.state, mentorship.contest_place, mentorship.grade_reached = (
        state,
        _text(contest_place),
        _text(grade_reached),
    )
    mentorship.outcome_on, mentorship.reward = outcome_on, _text(reward)
    changes = diff(before, snapshot(mentorship, fields))
    if changes:
        mentorship.save(update_fields=fields)
        record(actor=actor, action=AuditAction.UPDATE, obj=mentorship, changes=changes)
    return mentorship


# --- Targets and rules -----------------------------------------------------------------------

TARGET_FIELDS = ["name", "first_year", "last_year", "studios", "star_posts", "standard_bearers"]


@transaction.atomic
def save_target(*, actor, data: dict[str, Any], target: Target | None = None) -> Target:
    _require(actor, Perm.MANAGE_PLATFORM)
    creating = target is None
    target = target or Target()
    before = {} if creating else snapshot(target, TARGET_FIELDS)
    for key in TARGET_FIELDS:
        if key in data:
            setattr(target, key, data[key])
    if target.last_year < target.first_year:
        raise ValidationError({"last_year": [_("The end is before the start.")]})
    target.save()
    changes = diff(before, snapshot(target, TARGET_FIELDS))
    if changes:
        record(actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=target, changes=changes)
    return target


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
def save_policy(*, actor, data: dict[str, Any]) -> PlatformPolicy:
    _require(actor, Perm.MANAGE_PLATFORM)
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
