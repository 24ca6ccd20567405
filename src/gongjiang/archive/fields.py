"""The shape of a person's record, written once: which fields a user edits, a roster carries,
a bulk writer updates and a merge fills in. Services, imports and exports build on these
lists instead of spelling the fields out again."""

from __future__ import annotations

from collections.abc import Iterable

# A person's own facts, in the order of the paper form.
PERSON_FIELDS = [
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "political_affiliation",
    "education",
    "employer",
    "position",
    "title_or_grade",
    "front_line",
    "union",
    "phone",
    "address",
    "status",
    "retired_on",
    "died_on",
    "deeds",
    "remarks",
]

# What a roster row carries: everything but the deeds (a roster has no column for them).
ROSTER_FIELDS = [f for f in PERSON_FIELDS if f != "deeds"]

# What a record always has (or has a default for); the rest a merge fills from the other record.
REQUIRED_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "union", "status")
FILLABLE_FIELDS = [f for f in PERSON_FIELDS if f not in REQUIRED_FIELDS]

# The search keys kept beside a field (the name's pinyin, the ID number's last four digits).
SEARCH_KEYS = {"name": ["name_pinyin", "name_initials"], "id_number": ["id_last4"]}

# The columns that say whether a record is archived, verified, and how often it changed.
STATE_FIELDS = ["archived_at", "archive_reason", "verification", "version"]


def with_search_keys(fields: Iterable[str]) -> list[str]:
    """``fields`` with each one's search keys right after it (for a bulk update or insert)."""
    return [key for f in fields for key in (f, *SEARCH_KEYS.get(f, []))]


def attnames(fields: Iterable[str]) -> list[str]:
    """``fields`` as column attributes: the employer and the union by their ids."""
    return [f"{f}_id" if f in ("employer", "union") else f for f in fields]


# What an import writes to a record it changes (and its undo writes back).
ROSTER_UPDATE_FIELDS = [*with_search_keys(ROSTER_FIELDS), *STATE_FIELDS]
