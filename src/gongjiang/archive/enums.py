from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Status(models.TextChoices):
    WORKING = "working", _("Working")
    RETIRED = "retired", _("Retired")
    DECEASED = "deceased", _("Deceased")


class Verification(models.TextChoices):
    """Whether the federation has checked a record. Model-worker status is the government's to
    grant, so a record a grassroots union submits waits for the federation (待核实) and counts
    nowhere — statistics, treatment — until confirmed."""

    PENDING = "pending", _("Awaiting verification")
    CONFIRMED = "confirmed", _("Verified")
    REJECTED = "rejected", _("Not accepted")


class Level(models.IntegerChoices):
    """Honour levels, highest first: a smaller number is a higher level."""

    NATIONAL = 1, _("National")
    PROVINCIAL = 2, _("Provincial (ministerial)")
    MUNICIPAL = 3, _("Municipal")
    DISTRICT = 4, _("District")
    NONE = 9, pgettext_lazy("level", "None")


# "市以上劳模" counts municipal level and above.
MUNICIPAL_AND_ABOVE = (Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL)


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")
    ADVANCED_WORKER = "advanced_worker", _("Advanced worker")
    MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")
    OTHER = "other", pgettext_lazy("honour kind", "Other")


# Advanced workers count as model workers of the same level; medals and other honours do not
# make a person a model worker.
MODEL_WORKER_KINDS = (HonourKind.MODEL_WORKER, HonourKind.ADVANCED_WORKER)


class HardshipCategory(models.TextChoices):
    SPECIAL = "special", _("Special hardship")
    GENERAL = "general", _("Hardship")
    TEMPORARY = "temporary", _("Temporary hardship")


class Housing(models.TextChoices):
    OWNED = "owned", _("Own home")
    RENTED = "rented", _("Rented")
    PUBLIC = "public", _("Public or low-rent housing")
    WITH_CHILDREN = "with_children", _("Lives with children")
    OTHER = "other", pgettext_lazy("housing", "Other")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", pgettext_lazy("relation", "Other")


class ReviewOutcome(models.TextChoices):
    """What the yearly review (年度复核) of a hardship file decided."""

    CONTINUE = "continue", _("Stays in hardship")
    LEAVE = "leave", _("Leaves hardship")
    CHANGED = "changed", _("Stays, facts changed")
