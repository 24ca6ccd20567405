"""Small helpers every platform service uses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongjiang.accounts.permissions import Actor, is_system
from gongjiang.archive.selectors import visible_model_workers


def is_user(actor: Actor) -> bool:
    """A person signed in (not the system actor of a command or task)."""
    return getattr(actor, "is_authenticated", False) and not is_system(actor)


def clean_text(value) -> str:
    """One line of text: whitespace runs become one space, and the ends are trimmed."""
    return re.sub(r"\s+", " ", str(value or "")).strip()


def check_in_scope(field: str, obj, allowed) -> None:
    """An object a caller hands in (a person, an employer) is one the actor may choose — the
    same list the form's picker and the API offer — or a ValidationError on ``field``. The
    service checks it itself: a form or an API that forgot would not let it through."""
    if obj is not None and not allowed.filter(pk=obj.pk).exists():
        raise ValidationError({field: [_("Choose one of the allowed values.")]})


def check_person(actor: Actor, field: str, worker) -> None:
    """A person named by a service call is one the actor may see."""
    check_in_scope(field, worker, visible_model_workers(actor))
