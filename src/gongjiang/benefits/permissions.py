"""Treatment's own capability checks on a person. The role table is ``accounts.permissions``;
this module asks it."""

from __future__ import annotations

from gongjiang.accounts import permissions
from gongjiang.archive.models import ModelWorker

Perm = permissions.Perm


def may_change_treatment(user, worker: ModelWorker) -> bool:
    """A person's accounts and holds: for whoever prepares batches, within their reach."""
    return permissions.has_perm(user, Perm.PREPARE_BATCHES) and permissions.may_see_worker(user, worker)


def may_reveal_account(user, worker: ModelWorker) -> bool:
    """A bank account number in clear: for whoever may reveal accounts, within their reach."""
    return permissions.has_perm(user, Perm.REVEAL_ACCOUNT) and permissions.may_see_worker(user, worker)
