"""Employers, found or made by name."""

from __future__ import annotations

from gongjiang.accounts.models import Organisation
from gongjiang.archive.models import Employer


def employer_named(name: str, union: Organisation | None = None) -> Employer | None:
    name = " ".join((name or "").split())
    if not name:
        return None
    employer, _created = Employer.objects.get_or_create(name=name, defaults={"union": union})
    return employer
