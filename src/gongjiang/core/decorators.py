"""Moved to ``gongjiang.accounts.decorators`` (core knows no roles); kept until every view
imports from there."""

from gongjiang.accounts.decorators import perm_required, section

__all__ = ["perm_required", "section"]
