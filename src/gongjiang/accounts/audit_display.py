"""Render audit entries for people: field labels, choice labels, before and after.

An entry's ``changes`` are keyed by whatever the writing service chose: a model field, a
reverse relation (a person's ``honours``, a scheme's in-kind ``items``), the object itself
(``account``, ``hold``), a related row (a batch's ``line``) or a key inside a related row
(a unit's six haves: ``results.met``). ``key_label`` turns every one of them into words and
falls back to the key itself, so no entry can break the page that shows it.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.accounts.models import AuditEntry

REVEAL_FIELDS = {"id_number": "ID number", "phone": "phone"}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _relations(model):
    return [f for f in model._meta.get_fields() if f.is_relation and f.related_model is not None]


def resolve(model, key: str) -> tuple[str, object | None]:
    """(label, field) for a change key of ``model``; the field (or None) says how values show."""
    if model is None or not key:
        return key, None
    field = _field(model, key)
    if field is not None:
        if hasattr(field, "verbose_name"):
            return str(field.verbose_name), field
        # A reverse relation (ManyToOneRel and the like) has no verbose name of its own; Chinese
        # has no plural (Django's default plural would append an "s").
        return str(field.related_model._meta.verbose_name), None
    # The object itself or one related row, named for short: ``account`` of a payment
    # account, ``line`` of a batch's lines, ``case`` of a unit's candidates.
    for candidate in [model, *(f.related_model for f in _relations(model))]:
        if len(key) >= 4 and candidate._meta.model_name.endswith(key):
            return str(candidate._meta.verbose_name), None
    # ``<choice>.<field>``: a field of the related row picked by a choice, e.g. a unit's
    # ``results.met`` is whether its 有成效 (a UnitHave with have="results") is met.
    choice, _dot, rest = key.partition(".")
    if rest:
        for relation in _relations(model):
            if not relation.one_to_many:
                continue
            related = relation.related_model
            for f in related._meta.concrete_fields:
                labels = {str(k): v for k, v in f.flatchoices} if f.choices else {}
                if choice in labels and _field(related, rest) is not None:
                    label, inner = resolve(related, rest)
                    return f"{labels[choice]}·{label}", inner
    return key, None


def key_label(model, key: str) -> str:
    return resolve(model, key)[0]


def show_value(field, value) -> str:
    """A stored value as people read it: choices by their label, yes/no, lists and mappings."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, dict):
        return "；".join(f"{k} {show_value(None, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(show_value(field, v) for v in value)
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
        label, field = resolve(model, name)
        rows.append((label, show_value(field, before), show_value(field, after)))
    return rows


# Things read or written that are not one model: a report, a person's treatment as a whole.
OTHER_OBJECTS = {
    "benefits.report": gettext_lazy("on-time-and-in-full report"),
    "benefits.treatment": gettext_lazy("a person's treatment"),
}


def object_label(entry: AuditEntry) -> str:
    model = _model(entry.object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return str(OTHER_OBJECTS.get(entry.object_type, entry.object_type))


def detail_text(entry: AuditEntry) -> str:
    d = entry.detail or {}
    parts = []
    if "field" in d:
        parts.append(key_label(_model(entry.object_type), str(d["field"])))
    if "reason" in d:
        parts.append(_("reason: %(r)s") % {"r": d["reason"]})
    if "source" in d:
        parts.append(_("source: %(s)s") % {"s": d["source"]})
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
