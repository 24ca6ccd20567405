"""Roster import (花名册导入) through the API: upload, the preview, confirm, progress, undo."""

from gongjiang.api.rosters import imports  # noqa: F401 - adds its operations to the router
from gongjiang.api.rosters.common import router

__all__ = ["router"]
