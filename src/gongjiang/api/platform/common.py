"""What the platform's endpoint modules share: the router, who may read, and the fetches.

Each object the API is handed by id is fetched in one function here (``get_unit`` …), with the
pages' scope and permission rules, so the check lives in one place.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import require
from gongjiang.archive.selectors import visible_model_workers
from gongjiang.platform import access, selectors
from gongjiang.platform.models import Unit

router = Router(tags=["三创平台"])

TierName = Literal["studio", "star_post", "standard_bearer"]
CENTS = Decimal("0.01")


def money(value) -> Decimal:
    """Yuan to two places (SQLite's sums drop trailing zeros)."""
    return Decimal(value or 0).quantize(CENTS)


def require_reader(request) -> None:
    """Rounds, candidates and funding: the federation, its reviewers and the auditor."""
    require(request, Perm.VIEW_PLATFORM)
    if not selectors.may_read_running(request.user):
        raise PermissionDenied(_("You may not do this."))


UNIT_RELATED = ("leader", "union", "employer")


def get_unit(request, pk: int, *, keep: bool = False) -> Unit:
    """A unit the user may see (another's is a 404); with ``keep``, one they may keep (else 403)."""
    require(request, Perm.VIEW_PLATFORM)
    return access.access_unit(request.user, pk, keep=keep)


def pick(qs, pk: int | None, field: str):
    """The object a body refers to by id, from what the user may choose (as the forms' pickers)."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("Choose one of the allowed values.")]})
    return found


def person(request, pk: int | None, field: str):
    return pick(visible_model_workers(request.user), pk, field)


# Every active union; the service refuses one outside the user's scope, with its own message.
UNIONS = Organisation.objects.filter(parent__isnull=False, is_active=True)
