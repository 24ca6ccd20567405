"""Importing rosters: upload, read in the background, preview, confirm, apply in one
transaction, undo while nothing else has touched the records — one module per step.

The package re-exports its public functions, so ``services.upload(...)`` reads as before;
code inside the app imports the step's module."""

from gongjiang.rosters.services.applying import apply
from gongjiang.rosters.services.results import candidates, sheets_read
from gongjiang.rosters.services.review import cancel, confirm, remap, resume, sheet_unions, stored_drafts
from gongjiang.rosters.services.scope import visible_imports
from gongjiang.rosters.services.sheets import union_for_sheet
from gongjiang.rosters.services.undo import undo
from gongjiang.rosters.services.uploads import ALLOWED_SUFFIXES, parse, upload

__all__ = [
    "ALLOWED_SUFFIXES",
    "apply",
    "cancel",
    "candidates",
    "confirm",
    "parse",
    "remap",
    "resume",
    "sheet_unions",
    "sheets_read",
    "stored_drafts",
    "undo",
    "union_for_sheet",
    "upload",
    "visible_imports",
]
