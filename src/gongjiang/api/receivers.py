"""The API's answers to account signals."""

from __future__ import annotations

from django.dispatch import receiver

from gongjiang.accounts.signals import credentials_changed
from gongjiang.api.services import revoke_all


@receiver(credentials_changed, dispatch_uid="api.credentials_changed")
def revoke_tokens(sender, *, actor, user, reason: str, **kwargs):
    """A token stands for the user as they were: a new password, role or departure ends it."""

    revoke_all(actor=actor, user=user, reason=reason)
