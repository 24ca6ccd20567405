from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    """Bottom to top: an individual, a team post rated in stars, a studio led by a model worker."""

    STANDARD_BEARER = "standard_bearer", _("Standard-bearer")
    STAR_POST = "star_post", _("Star post")
    STUDIO = "studio", _("Studio")


TIER_RANK = {Tier.STANDARD_BEARER: 1, Tier.STAR_POST: 2, Tier.STUDIO: 3}
NEXT_TIER = {Tier.STANDARD_BEARER: Tier.STAR_POST, Tier.STAR_POST: Tier.STUDIO}
# The tier's code in the unified plaque number, e.g. LX-GZS-2016-001.
TIER_CODE = {Tier.STUDIO: "GZS", Tier.STAR_POST: "SFG", Tier.STANDARD_BEARER: "BB"}


class UnitStatus(models.TextChoices):
    APPLYING = "applying", pgettext_lazy("unit status", "Applying")
    APPROVED = "approved", pgettext_lazy("unit status", "Approved, awaiting the plaque")
    REJECTED = "rejected", pgettext_lazy("unit status", "Not approved")
    ACTIVE = "active", pgettext_lazy("unit status", "Active")
    WARNED = "warned", pgettext_lazy("unit status", "Warned")
    REMOVED = "removed", pgettext_lazy("unit status", "Plaque removed")


# Units that count as established (已建立) and take part in evaluations and funding.
ESTABLISHED = (UnitStatus.ACTIVE, UnitStatus.WARNED)


class Have(models.TextChoices):
    """The six haves (六有)."""

    TEAM = "team", _("有团队")
    VENUE = "venue", _("有场地")
    FUNDS = "funds", _("有经费")
    MANAGEMENT = "management", _("有管理")
    SIGN = "sign", _("有标志")
    RESULTS = "results", _("有成效")


class EventKind(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("unit event", "Applied")
    APPROVED = "approved", pgettext_lazy("unit event", "Approved")
    REJECTED = "rejected", pgettext_lazy("unit event", "Not approved")
    AWARDED = "awarded", pgettext_lazy("unit event", "Plaque awarded")
    PROMOTED = "promoted", pgettext_lazy("unit event", "Promoted")
    STARS = "stars", pgettext_lazy("unit event", "Stars changed")
    GRADED = "graded", pgettext_lazy("unit event", "Evaluated")
    WARNED = "warned", pgettext_lazy("unit event", "Warned")
    RECTIFIED = "rectified", pgettext_lazy("unit event", "Put right")
    RE_REVIEW_FAILED = "re_review_failed", pgettext_lazy("unit event", "Failed the re-review")
    REMOVED = "removed", pgettext_lazy("unit event", "Plaque removed")
    CASE_DECLINED = "case_declined", pgettext_lazy("unit event", "Candidate declined")
    EDITED = "edited", pgettext_lazy("unit event", "Edited")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


GRADE_RANK = {Grade.FAIL: 0, Grade.PASS: 1, Grade.GOOD: 2, Grade.EXCELLENT: 3}


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")


class RoundState(models.TextChoices):
    OPEN = "open", pgettext_lazy("round", "Scoring")
    CLOSED = "closed", pgettext_lazy("round", "Closed")


class CaseKind(models.TextChoices):
    PROMOTE = "promote", _("Promotion")
    REMOVE = "remove", _("Plaque removal")


class CaseState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("candidate", "Waiting for a decision")
    ACCEPTED = "accepted", pgettext_lazy("candidate", "Accepted")
    DECLINED = "declined", pgettext_lazy("candidate", "Declined")


class InspectionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("inspection", "Being put right")
    CLOSED = "closed", pgettext_lazy("inspection", "Closed")


class AchievementKind(models.TextChoices):
    PROJECT = "project", _("Research project")
    PRODUCT = "product", _("New product or technology")
    AWARD = "award", _("Science and technology award")
    HONOUR = "honour", _("Honour")
    PATENT = "patent", _("Patent")
    PAPER = "paper", _("Paper")


class AchievementLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial (ministerial)")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")
    ENTERPRISE = "enterprise", _("Enterprise")


class ProjectRole(models.TextChoices):
    LED = "led", _("Led")
    TOOK_PART = "took_part", _("Took part")


class ProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class HonourScope(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class MentorshipState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("mentorship", "Under way")
    COMPLETED = "completed", pgettext_lazy("mentorship", "Completed")
    ENDED = "ended", pgettext_lazy("mentorship", "Ended early")


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("funding plan", "Draft")
    APPROVED = "approved", pgettext_lazy("funding plan", "Approved")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    MEMBER = "member", _("Member")
