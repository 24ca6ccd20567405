"""A visit's findings written into the person's hardship file in one step.

The visit's headings (health, family, income, housing, living, thoughts) prefill the file's facts;
the staff correct them and save once. The archive's service does the saving — the file, the
spell in hardship it opens or ends, the audit entry naming the visit as the source."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.accounts.permissions import Actor
from gongjiang.archive import services as archive_services
from gongjiang.archive.models import HardshipFile
from gongjiang.care.models import Visit
from gongjiang.care.services.common import require_record_for

FACTS = [
    "is_active",
    "category",
    "health",
    "serious_illness",
    "monthly_income",
    "family_monthly_income",
    "family_size",
    "housing",
    "housing_note",
    "needs_and_wishes",
    "remarks",
]


def visit_source(visit: Visit) -> str:
    return _("visit of %(on)s (no. %(pk)s)") % {"on": f"{visit.visited_on:%Y-%m-%d}", "pk": visit.pk}


def findings_initial(visit: Visit, file: HardshipFile | None) -> dict[str, Any]:
    """The form's starting values: the file's facts, with what the visit learnt put in."""
    initial: dict[str, Any] = {f: getattr(file, f) for f in FACTS} if file else {"is_active": True}
    learnt = [
        (_("Family"), visit.family),
        (_("Income"), visit.income),
        (_("Living conditions"), visit.living),
    ]
    noted = "；".join(f"{label}：{text.strip()}" for label, text in learnt if text.strip())
    if visit.health.strip():
        initial["health"] = visit.health.strip()
    if visit.housing.strip():
        initial["housing_note"] = visit.housing.strip()[:200]
    if visit.thoughts.strip():
        initial["needs_and_wishes"] = visit.thoughts.strip()
    if noted:
        line = _("Visit of %(on)s: %(noted)s") % {"on": f"{visit.visited_on:%Y-%m-%d}", "noted": noted}
        initial["remarks"] = "\n".join(part for part in ((file.remarks if file else ""), line) if part)
    return initial


@transaction.atomic
def update_file_from_visit(*, actor: Actor, visit: Visit, data: dict[str, Any]) -> HardshipFile:
    """Save the facts into the person's hardship file (opening it, and a spell from the visit's
    day, if need be); the audit entry names the visit."""
    worker = visit.model_worker
    require_record_for(actor, worker)
    facts = {f: data[f] for f in FACTS if f in data}
    if not HardshipFile.objects.filter(model_worker=worker).exists():
        facts["established_on"] = visit.visited_on
    return archive_services.save_hardship_file(
        actor=actor,
        worker=worker,
        data=facts,
        entered_on=visit.visited_on,
        reason=data.get("spell_reason", ""),
        source=visit_source(visit),
    )
