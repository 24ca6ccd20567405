"""Writing the audit log: every change, reveal, export and login goes through ``record``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongjiang.accounts import chain
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.core import bulk, context
from gongjiang.core.masking import mask_account, mask_id_number, mask_phone


def redact(value: Any) -> str:
    """What the log keeps of a private matter (an address, an illness, an income): that it was
    there and changed, never what it says."""
    return gettext("(recorded; not kept in the log)")


# Personal data never enters the log in clear: the log is read by more people than the record.
# The one table of what is sensitive: (model, field) -> how the log keeps it; "*" is any model.
# Identity numbers, phones and accounts are masked (the last digits still tell records apart);
# private matters are redacted. Every entry's changes pass through it (``build_values``).
SENSITIVE_FIELDS: dict[tuple[str, str], Any] = {
    ("*", "id_number"): mask_id_number,
    ("*", "phone"): mask_phone,
    ("*", "contact_phone"): mask_phone,
    ("*", "account_number"): mask_account,
    ("archive.modelworker", "address"): redact,
    ("archive.familymember", "health"): redact,
    ("archive.familymember", "monthly_income"): redact,
    ("archive.familymember", "employment"): redact,
    ("archive.hardshipfile", "health"): redact,
    ("archive.hardshipfile", "serious_illness"): redact,
    ("archive.hardshipfile", "monthly_income"): redact,
    ("archive.hardshipfile", "family_monthly_income"): redact,
    ("archive.hardshipfile", "family_size"): redact,
    ("archive.hardshipfile", "housing_area"): redact,
    ("archive.hardshipfile", "housing_note"): redact,
    ("archive.hardshipfile", "needs_and_wishes"): redact,
    ("archive.hardshipfile", "remarks"): redact,
    ("archive.hardshipfile", "end_reason"): redact,
}


def masker_for(object_type: str, field: str):
    """How the log keeps ``field`` of ``object_type`` ("app.model"), or None: as it is."""
    return SENSITIVE_FIELDS.get((object_type, field)) or SENSITIVE_FIELDS.get(("*", field))


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, bool, float):  # the common case, first
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):  # e.g. a scheme's in-kind items {item: quantity}: kept as JSON
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "name"):  # files
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of ``fields`` in plain form (foreign keys by name), to compare with ``diff``.

    Still in clear: a change is found by comparing clear values (two addresses redact alike),
    and the entry's writer (``build_values``) masks what the log keeps."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.is_relation and value is not None:
            value = str(value)
        out[name] = _plain(value)
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def subject_of(obj: models.Model | None) -> tuple[int | None, int | None]:
    """(model worker id, organisation id) that an object's entry belongs to."""
    if obj is None:
        return None, None
    if obj._meta.label_lower == "archive.modelworker":
        return obj.pk, obj.union_id
    # Only the archive's own objects belong to a person's history (a user account that links
    # to a record is not part of that record).
    worker_id = getattr(obj, "model_worker_id", None) if obj._meta.app_label == "archive" else None
    org_id = getattr(obj, "organisation_id", None)
    return worker_id, org_id


def mask_changes(changes: dict[str, list], object_type: str = "archive.modelworker") -> dict[str, list]:
    """Changes as the log stores them: personal values masked or redacted (``SENSITIVE_FIELDS``).

    Masking twice gives the same result, so a writer that masked already loses nothing."""
    out = {}
    for key, pair in changes.items():
        mask = masker_for(object_type, key)
        if mask is not None and isinstance(pair, list | tuple):
            pair = [mask(v) if v not in (None, "") else v for v in pair]
        elif mask is not None and pair not in (None, ""):
            pair = mask(pair)
        out[key] = [_plain(v) for v in pair] if isinstance(pair, list | tuple) else _plain(pair)
    return out


def build_values(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    model_worker_id: int | None = None,
    organisation_id: int | None = None,
    changes: dict | None = None,
    detail: dict | None = None,
) -> dict[str, Any]:
    """The columns of one entry, for ``build`` and for bulk writers."""
    ctx = context.current()
    worker_id, org_id = subject_of(obj)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {
        "at": timezone.now(),
        "actor_id": user.pk if user else None,
        "actor_username": (user.username if user else (getattr(actor, "username", "") or "")),
        "ip_address": ctx.ip_address,
        "via": ctx.via,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_repr": (object_repr or "")[:200],
        "model_worker_id": model_worker_id if model_worker_id is not None else worker_id,
        "organisation_id": organisation_id if organisation_id is not None else org_id,
        "changes": mask_changes(changes or {}, object_type) if changes else {},
        "detail": {**(detail or {}), **({"token": ctx.token_id} if ctx.token_id else {})},
    }


def build(**kwargs) -> AuditEntry:
    """One entry, not yet saved (see ``record``)."""
    return AuditEntry(**build_values(**kwargs))


def record(**kwargs) -> AuditEntry:
    """Write one entry now (see ``build`` for the arguments)."""
    entry = build(**kwargs)
    entry.save()
    return entry


@transaction.atomic
def write_many(rows: list[dict[str, Any]]) -> int:
    """Write many entries (``build_values`` dicts) in one go, chained like single ones."""

    chain.seal(rows)
    ids = sorted(bulk.reserve_ids(AuditEntry, len(rows)))  # drawn while the chain is held
    columns = ["id", *chain.FIELDS, "prev_hash", "hash"]
    values = ([pk, *(r[c] for c in columns[1:])] for pk, r in zip(ids, rows, strict=True))
    return bulk.insert(AuditEntry, columns, values)


def security_event(*, kind: str, actor=None, obj: models.Model | None = None, detail: dict | None = None, **kwargs):
    """Record a security event (lockout of an admin, a hidden ID clash, a burst of refusals…):
    an audit entry with action ``security`` whose ``detail["kind"]`` is a ``SecurityEventKind``."""
    return record(
        actor=actor, action=AuditAction.SECURITY, obj=obj, detail={"kind": str(kind), **(detail or {})}, **kwargs
    )


def record_read(*, actor, object_type: str, rows: int, query=None, obj: models.Model | None = None, **detail):
    """One entry per request that returned personal data: what was read, the filter it was
    read with (the request's query), and how many rows came back. One insert, whatever the
    number of rows."""
    filters = "&".join(f"{k}={v}" for k, values in query.lists() for v in values) if query is not None else ""
    return record(
        actor=actor,
        action=AuditAction.READ,
        obj=obj,
        object_type=object_type,
        object_repr=str(obj) if obj is not None else "",
        detail={"rows": rows, "filters": filters, **detail},
    )
