"""Counters behind the dashboard, kept by database triggers in the same transaction as every
change to a person or an honour (whatever writes it: the services, an import, a bulk load).

The dashboard then reads a few hundred rows instead of counting a million people, and the
numbers are never stale. `manage.py rebuild_stats` recomputes them from scratch; a test
compares them with a full count after random changes.
"""

from django.db import models


class PersonCell(models.Model):
    """How many people share one (highest level, status, union, hardship, archived) key."""

    highest_level = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10)
    union_id = models.BigIntegerField()
    in_hardship = models.BooleanField()
    archived = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["highest_level", "status", "union_id", "in_hardship", "archived"],
                name="person_cell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.highest_level}/{self.status}/{self.union_id}: {self.n}"


class HonourCell(models.Model):
    """How many honours (not void) share one (year, level, kind, union of the person, archived) key."""

    year = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    union_id = models.BigIntegerField()
    archived = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "kind", "union_id", "archived"], name="honour_cell_key")
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.level}/{self.kind}/{self.union_id}: {self.n}"
