from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    CHECKUP = "checkup", _("Health check-up")
    STAY = "stay", _("Recuperation stay")


class InvitationState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAITING = "waiting", _("On the waiting list")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Did not attend")


# The states that hold one of a batch's places (a batch's ``taken`` counts them).
HOLDS_PLACE = (InvitationState.INVITED, InvitationState.ACCEPTED, InvitationState.ATTENDED, InvitationState.ABSENT)
# The states an answer or attendance can still be recorded from.
OPEN = (InvitationState.INVITED, InvitationState.ACCEPTED)


class Criterion(models.TextChoices):
    """What puts a person higher on the list of suggestions (a rule orders them)."""

    OVERDUE = "overdue", _("Longest since the last one")
    NEVER = "never", _("Never been")
    AGE = "age", _("Oldest first")
    HARDSHIP = "hardship", _("In hardship")
    WORKING = "working", _("Working before retired")
    FRONT_LINE = "front_line", _("Front line and harsh jobs first")


class Occasion(models.TextChoices):
    """Why a visit is made: a holiday, routine, or one of the four must-visits (四个必访)."""

    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    MAY_DAY = "may_day", _("May Day")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival")
    SUMMER = "summer", _("Summer heat relief")
    ROUTINE = "routine", _("Routine visit")
    HARDSHIP = "hardship", _("Must-visit: hardship")
    ILLNESS = "illness", _("Must-visit: serious illness or in hospital")
    SUDDEN = "sudden", _("Must-visit: sudden hardship")
    DISTRESS = "distress", _("Must-visit: distress")


HOLIDAYS = (Occasion.SPRING_FESTIVAL, Occasion.MAY_DAY, Occasion.MID_AUTUMN, Occasion.SUMMER)


class VisitMode(models.TextChoices):
    HOME = "home", _("At home")
    HOSPITAL = "hospital", _("In hospital")
    PHONE = "phone", _("By phone")


class Allowance(models.TextChoices):
    ARRIVES = "arrives", _("Arrives on time and in full")
    PROBLEM = "problem", _("Does not arrive as it should")
    NOT_DUE = "not_due", _("Not due")
    UNKNOWN = "unknown", _("Not asked")


class NeedSource(models.TextChoices):
    VISIT = "visit", _("At a visit")
    PHONE = "phone", _("By phone")
    PERSON = "person", _("By the person")


class NeedState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Satisfaction(models.TextChoices):
    VERY = "very", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    NOT = "not", _("Not satisfied")


class EventKind(models.TextChoices):
    """Care events: get-togethers (联谊), symposia (座谈会, with a topic and minutes), outings (一日游)."""

    GATHERING = "gathering", _("Get-together")
    SYMPOSIUM = "symposium", _("Symposium")
    OUTING = "outing", _("Outing")
