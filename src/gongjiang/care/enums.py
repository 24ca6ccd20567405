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
    WORKING = "working", _("Working (front line) first")
