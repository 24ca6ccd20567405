"""The 三创 platform's units: application, review, plaque award, the six haves and their
evidence, members, inspections, meetings, achievements, mentoring, targets and the rules —
one module per noun.

Every change checks who may make it, runs in one transaction, writes the audit entry, and
for the unit's standing (tier, stars, status) a line of the unit's history.

The package re-exports its public functions (and, for the callers that ask here, the unit
capability checks of ``platform.permissions``); code inside the app imports the noun's module."""

from gongjiang.accounts.permissions import user_of
from gongjiang.platform.permissions import may_edit_unit, may_keep_unit, may_see_unit, require_keep
from gongjiang.platform.services.achievements import ACHIEVEMENT_FIELDS, add_achievement, void_achievement
from gongjiang.platform.services.awards import award_plaque, new_plaque, next_plaque_number
from gongjiang.platform.services.common import clean_text, is_user
from gongjiang.platform.services.evidence import EVIDENCE_SUFFIXES, add_evidence, check_upload, withdraw_evidence
from gongjiang.platform.services.haves import haves_missing, set_have
from gongjiang.platform.services.inspections import add_inspection, follow_up
from gongjiang.platform.services.meetings import add_meeting
from gongjiang.platform.services.members import add_member, end_member
from gongjiang.platform.services.mentorships import add_mentorship, record_mentorship_outcome
from gongjiang.platform.services.policy import POLICY_FIELDS, save_policy
from gongjiang.platform.services.targets import TARGET_FIELDS, save_target
from gongjiang.platform.services.units import (
    UNIT_FIELDS,
    apply_unit,
    check_leader,
    lock_unit,
    record_event,
    review_unit,
    update_unit,
)

__all__ = [
    "ACHIEVEMENT_FIELDS",
    "EVIDENCE_SUFFIXES",
    "POLICY_FIELDS",
    "TARGET_FIELDS",
    "UNIT_FIELDS",
    "add_achievement",
    "add_evidence",
    "add_inspection",
    "add_meeting",
    "add_member",
    "add_mentorship",
    "apply_unit",
    "award_plaque",
    "check_leader",
    "check_upload",
    "clean_text",
    "end_member",
    "follow_up",
    "haves_missing",
    "is_user",
    "lock_unit",
    "may_edit_unit",
    "may_keep_unit",
    "may_see_unit",
    "new_plaque",
    "next_plaque_number",
    "record_event",
    "record_mentorship_outcome",
    "require_keep",
    "review_unit",
    "save_policy",
    "save_target",
    "set_have",
    "update_unit",
    "user_of",
    "void_achievement",
    "withdraw_evidence",
]
