"""Fetch-and-check, one function per object kind the pages (and, once wired, the API) fetch by
primary key — Zulip's ``access_stream_by_id``, healthchecks' ``_get_check_for_user``.

Each returns the object or raises: ``Http404`` for an object the user may not see (out of their
scope or not there at all: the two are not told apart), ``PermissionDenied`` for one they see
but may not act on as asked (``keep``: change the unit's records; ``manage``: run the platform).
An object that belongs to a unit comes back with its ``unit`` set to the unit fetched here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.platform import selectors
from gongjiang.platform.models import (
    Achievement,
    Allocation,
    Case,
    Evaluation,
    EvaluationRound,
    Evidence,
    Expense,
    FundingPlan,
    Inspection,
    Meeting,
    Mentorship,
    Target,
    Unit,
    UnitMember,
)
from gongjiang.platform.permissions import may_keep_unit, may_see_unit

Perm = permissions.Perm


def access_unit(user, pk: int, *, keep: bool = False, for_update: bool = False) -> Unit:
    """A unit the user may see (another's is a 404); with ``keep``, one they may keep (else 403);
    ``for_update`` locks its row (inside the caller's transaction)."""
    qs = selectors.visible_units(user).select_related("leader", "union", "employer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    unit = get_object_or_404(qs, pk=pk)
    if keep and not may_keep_unit(user, unit):
        raise PermissionDenied(_("You may not change this unit."))
    return unit


def _of_unit(user, model: type[Model], pk: int, *, keep: bool, **filters) -> Any:
    obj: Any = get_object_or_404(model, pk=pk, **filters)
    obj.unit = access_unit(user, obj.unit_id, keep=keep)
    return obj


def access_member(user, pk: int, *, keep: bool = False) -> UnitMember:
    return _of_unit(user, UnitMember, pk, keep=keep)


def access_inspection(user, pk: int, *, keep: bool = False) -> Inspection:
    return _of_unit(user, Inspection, pk, keep=keep)


def access_meeting(user, pk: int, *, keep: bool = False) -> Meeting:
    return _of_unit(user, Meeting, pk, keep=keep)


def access_expense(user, pk: int, *, keep: bool = False) -> Expense:
    return _of_unit(user, Expense, pk, keep=keep)


def access_achievement(user, pk: int, *, keep: bool = False) -> Achievement:
    """A unit's achievement (a person's own, with no unit, is reached through the person)."""
    return _of_unit(user, Achievement, pk, keep=keep, unit__isnull=False)


def access_mentorship(user, pk: int, *, keep: bool = False) -> Mentorship:
    """A unit's agreement (one with no unit is reached through the person)."""
    return _of_unit(user, Mentorship, pk, keep=keep, unit__isnull=False)


def access_evidence(user, pk: int) -> Evidence:
    """A piece of evidence of a unit the user may see (read in one query with its unit)."""
    evidence = get_object_or_404(Evidence.objects.select_related("unit"), pk=pk)
    if not may_see_unit(user, evidence.unit):
        raise Http404
    return evidence


# The running of the platform — rounds, evaluations, cases, funding, targets — is the
# federation's: read by it, its reviewers and the auditor; changed by the federation.


def _running(user, model: type[Model], pk: int, *, manage: bool, queryset=None):
    if not (permissions.has_perm(user, Perm.MANAGE_PLATFORM) if manage else selectors.may_read_running(user)):
        raise PermissionDenied
    return get_object_or_404(queryset if queryset is not None else model, pk=pk)


def access_round(user, pk: int, *, manage: bool = False) -> EvaluationRound:
    return _running(user, EvaluationRound, pk, manage=manage)


def access_evaluation(user, pk: int, *, manage: bool = False) -> Evaluation:
    """An evaluation with its round and its unit's leader (whom a reviewer may not score)."""
    return _running(
        user, Evaluation, pk, manage=manage, queryset=Evaluation.objects.select_related("round", "unit__leader")
    )


def access_case(user, pk: int, *, manage: bool = False) -> Case:
    return _running(user, Case, pk, manage=manage)


def access_plan(user, pk: int, *, manage: bool = False) -> FundingPlan:
    return _running(user, FundingPlan, pk, manage=manage)


def access_allocation(user, pk: int, *, manage: bool = False) -> Allocation:
    return _running(user, Allocation, pk, manage=manage)


def access_target(user, pk: int, *, manage: bool = False) -> Target:
    return _running(user, Target, pk, manage=manage)
