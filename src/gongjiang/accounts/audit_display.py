"""Render audit entries for people: field labels, choice labels, before and after."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from gongjiang.accounts.models import AuditEntry

REVEAL_FIELDS = {"id_number": "ID number", "phone": "phone"}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _show(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): v for k, v in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def change_rows(entry: AuditEntry) -> list[tuple[str, str, str]]:
    model = _model(entry.object_type)
    rows = []
    for name, pair in (entry.changes or {}).items():
        before, after = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
        field = None
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
                label = str(field.verbose_name)
            except FieldDoesNotExist:
                pass
        rows.append((label, _show(field, before), _show(field, after)))
    return rows


def object_label(entry: AuditEntry) -> str:
    model = _model(entry.object_type)
    return str(model._meta.verbose_name) if model is not None else entry.object_type


def detail_text(entry: AuditEntry) -> str:
    d = entry.detail or {}
    parts = []
    if "field" in d:
        model = _model(entry.object_type)
        try:
            parts.append(str(model._meta.get_field(d["field"]).verbose_name))
        except (FieldDoesNotExist, AttributeError):
            parts.append(d["field"])
    if "reason" in d:
        parts.append(_("reason: %(r)s") % {"r": d["reason"]})
    if "rows" in d:
        parts.append(_("%(n)s rows") % {"n": d["rows"]})
    if d.get("filters"):
        parts.append(_("filters: %(f)s") % {"f": d["filters"]})
    if d.get("unmasked"):
        parts.append(_("unmasked"))
    if "token" in d:
        parts.append(_("API token #%(t)s") % {"t": d["token"]})
    return "；".join(parts)


def decorate(entries):
    for e in entries:
        e.rows = change_rows(e)
        e.object_label = object_label(e)
        e.detail_text = detail_text(e)
    return entries
