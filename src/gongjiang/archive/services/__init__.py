"""Every change to the archive, one module per noun: each function checks the rules, writes the
audit log and keeps the derived columns (highest level, hardship flag, pinyin keys) right in the
same transaction.

The package re-exports its public functions, so ``services.add_honour(...)`` reads as before;
code inside the app imports the noun's module."""

from gongjiang.archive.fields import PERSON_FIELDS
from gongjiang.archive.services.employers import employer_named
from gongjiang.archive.services.export import export_roster
from gongjiang.archive.services.families import (
    FAMILY_FIELDS,
    add_family_member,
    remove_family_member,
    update_family_member,
)
from gongjiang.archive.services.hardship import (
    HARDSHIP_FIELDS,
    SPELL_FIELDS,
    close_hardship_file,
    correct_spell,
    review_hardship_file,
    save_hardship_file,
)
from gongjiang.archive.services.honours import HONOUR_FIELDS, add_honour, revoke_honour, update_honour, void_honour
from gongjiang.archive.services.levels import highest_level_of, refresh_highest_level
from gongjiang.archive.services.merging import merge_records
from gongjiang.archive.services.records import (
    PHOTO_FORMATS,
    REVEALABLE,
    archive_model_worker,
    create_model_worker,
    restore_model_worker,
    reveal,
    set_photo,
    submitted_verification,
    update_model_worker,
)
from gongjiang.archive.services.verification import confirm_model_worker, reject_model_worker, verified_holder

__all__ = [
    "FAMILY_FIELDS",
    "HARDSHIP_FIELDS",
    "HONOUR_FIELDS",
    "PERSON_FIELDS",
    "PHOTO_FORMATS",
    "REVEALABLE",
    "SPELL_FIELDS",
    "add_family_member",
    "add_honour",
    "archive_model_worker",
    "close_hardship_file",
    "confirm_model_worker",
    "correct_spell",
    "create_model_worker",
    "employer_named",
    "export_roster",
    "highest_level_of",
    "merge_records",
    "refresh_highest_level",
    "reject_model_worker",
    "remove_family_member",
    "restore_model_worker",
    "reveal",
    "review_hardship_file",
    "revoke_honour",
    "save_hardship_file",
    "set_photo",
    "submitted_verification",
    "update_family_member",
    "update_honour",
    "update_model_worker",
    "verified_holder",
    "void_honour",
]
