"""Field-level checks a service runs before it saves: the model's own limits (text length,
digits of money, number ranges), so a value the database cannot hold is a clear message
and not a database error — whether it came from a form, the API or a command."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def check_fields(instance: models.Model, fields: list[str] | None = None) -> None:
    """Run each concrete field's validators on the instance's current values.

    Blank and choices are the services' own business (they know when a value may be empty);
    this catches what the database would refuse or silently mangle."""
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.is_relation or (fields is not None and field.name not in fields):
            continue
        value = getattr(instance, field.attname)
        if value in field.empty_values:
            continue
        try:
            field.run_validators(field.to_python(value))
        except ValidationError as e:
            errors[field.name] = e.messages
    if errors:
        raise ValidationError(errors)
    # The table's CHECK constraints, evaluated before the INSERT/UPDATE would fail on them.
    for constraint in instance._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            constraint.validate(type(instance), instance)
