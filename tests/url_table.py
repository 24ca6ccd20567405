"""Every URL pattern of the site, opened (GET) by every role: the exact answer each one gets.

`patterns()` lists every named pattern outside the API (the API's operations are checked against
its OpenAPI document in tests/api). `probe()` opens each with arguments taken from the data the
crawl made, as each role, and returns {name: (status per role, in ROLES order)}. A new pattern that
is not in the table of tests/test_crawl.py fails there, and so does any change of who gets what.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from gongjiang.accounts.models import AuditEntry, Organisation, User
from gongjiang.api.models import ApiToken
from gongjiang.archive.models import FamilyMember, Honour
from gongjiang.benefits.models import Batch, LedgerEntry, PaymentAccount, Scheme, SchemeRule, TreatmentHold
from gongjiang.care.models import Event, EventInvitation, EventPhoto, Invitation, Need, PlanEntry, Visit
from gongjiang.core.models import Job
from gongjiang.platform.models import (
    Achievement,
    Allocation,
    Case,
    Evaluation,
    EvaluationRound,
    Evidence,
    Expense,
    FundingPlan,
    Inspection,
    Meeting,
    Mentorship,
    Target,
    Unit,
    UnitMember,
)
from gongjiang.rosters.models import RosterImport

# Checked elsewhere: the API's operations against its OpenAPI document (tests/api).
OTHER_TESTS = ("api-1:",)


def patterns() -> dict[str, str]:
    """{name: route} of every named pattern (namespaced), the API's operations left out."""
    found: dict[str, str] = {}

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(n for n in (namespace, p.namespace) if n) or None
                walk(p, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if not name.startswith(OTHER_TESTS):
                    found[name] = prefix + str(p.pattern)

    walk(get_resolver(), "", None)
    return found


def objects() -> dict[str, object]:
    """One object of each kind the URLs take, from what the crawl made through the pages (the
    grassroots union's own person and unit, so each role's scope decides, not a missing object)."""
    person = TreatmentHold.objects.filter(model_worker__name="陈秀英").latest("pk").model_worker
    unit = Unit.objects.filter(union=person.union).latest("pk")
    scheme = Scheme.objects.filter(batches__isnull=False).latest("pk")
    return {
        "person": person,
        "honour": Honour.objects.filter(model_worker=person).latest("pk"),
        "family": FamilyMember.objects.filter(model_worker=person).latest("pk"),
        "hold": TreatmentHold.objects.filter(model_worker=person).latest("pk"),
        "account": PaymentAccount.objects.filter(model_worker=person).latest("pk"),
        "user": User.objects.get(username="kuaidi"),
        "organisation": Organisation.objects.latest("pk"),
        "scheme": scheme,
        "rule": SchemeRule.objects.filter(scheme=scheme).latest("pk"),
        "batch": Batch.objects.filter(scheme=scheme).latest("pk"),
        "entry": LedgerEntry.objects.latest("pk"),
        "unit": unit,
        "evidence": Evidence.objects.filter(unit=unit).latest("pk"),
        "member": UnitMember.objects.filter(unit=unit).latest("pk"),
        "inspection": Inspection.objects.filter(unit=unit).latest("pk"),
        "meeting": Meeting.objects.filter(unit=unit).latest("pk"),
        "achievement": Achievement.objects.filter(unit=unit).latest("pk"),
        "mentorship": Mentorship.objects.filter(unit=unit).latest("pk"),
        "expense": Expense.objects.filter(unit=unit).latest("pk"),
        "evaluation": Evaluation.objects.filter(unit=unit).latest("pk"),
        "round": Evaluation.objects.filter(unit=unit).latest("pk").round,
        "case": Case.objects.filter(unit=unit).latest("pk"),
        "plan": FundingPlan.objects.latest("pk"),
        "allocation": Allocation.objects.latest("pk"),
        "target": Target.objects.latest("pk"),
        "import": RosterImport.objects.latest("pk"),
        "job": Job.objects.latest("created_at"),
        "token": ApiToken.objects.latest("pk"),
        "audit": AuditEntry.objects.latest("pk"),
        "open_round": EvaluationRound.objects.latest("pk"),
        "invitation": Invitation.objects.filter(model_worker=person).latest("pk"),
        "care_batch": Invitation.objects.filter(model_worker=person).latest("pk").batch,
        "campaign": Invitation.objects.filter(model_worker=person).latest("pk").campaign,
        "care_plan": PlanEntry.objects.filter(model_worker=person).latest("pk").plan,
        "visit": Visit.objects.filter(model_worker=person).latest("pk"),
        "need": Need.objects.filter(model_worker=person).latest("pk"),
        # The demo's events: the person's union organises a get-together every year (with a photo).
        "event": Event.objects.filter(organiser=person.union).latest("pk"),
        "event_invitation": EventInvitation.objects.filter(event__organiser=person.union).latest("pk"),
        "event_photo": EventPhoto.objects.filter(event__organiser=person.union).latest("pk"),
    }


def path_for(name: str, route: str, o: dict) -> str:
    """The route with real arguments: `<int:pk>` names the object the pattern's section is about."""
    section = name.split(":")[0]
    pk_of = {
        "accounts:user_edit": "user",
        "accounts:user_action": "user",
        "accounts:organisation_edit": "organisation",
        "api:token_revoke": "token",
        "core:job": "job",
        "core:job_download": "job",
        "core:job_retry": "job",
        "benefits:batch": "batch",
        "benefits:bank_file": "batch",
        "benefits:receipts": "batch",
        "benefits:batch_action": "batch",
        "benefits:ledger_reverse": "entry",
        "benefits:reveal_account": "account",
        "platform:evidence": "evidence",
        "platform:evidence_withdraw": "evidence",
        "platform:member_end": "member",
        "platform:inspection": "inspection",
        "platform:meeting": "meeting",
        "platform:achievement_void": "achievement",
        "platform:mentorship": "mentorship",
        "platform:expense_void": "expense",
        "platform:expense_receipt": "expense",
        "platform:round": "round",
        "platform:round_close": "open_round",
        "platform:evaluation": "evaluation",
        "platform:case_decide": "case",
        "platform:plan": "plan",
        "platform:plan_edit": "plan",
        "platform:plan_approve": "plan",
        "platform:disburse": "allocation",
        "platform:target_edit": "target",
        "care:campaign": "campaign",
        "care:batch_create": "campaign",
        "care:batch": "care_batch",
        "care:batch_edit": "care_batch",
        "care:invite": "care_batch",
        "care:answer": "invitation",
        "care:attendance": "invitation",
        "care:plan": "care_plan",
        "care:plan_add": "care_plan",
        "care:visit": "visit",
        "care:visit_update_file": "visit",
        "care:condolence_create": "visit",
        "care:visit_create": "person",
        "care:need_create": "person",
        "care:need": "need",
        "care:need_step": "need",
        "care:need_resolve": "need",
        "care:person": "person",
        "care:event": "event",
        "care:event_edit": "event",
        "care:event_invite": "event",
        "care:event_minutes": "event",
        "care:event_photo_upload": "event",
        "care:event_answer": "event_invitation",
        "care:event_attendance": "event_invitation",
        "care:event_photo": "event_photo",
        "care:event_photo_archive": "event_photo",
    }.get(name) or {
        "archive": "person",
        "benefits": "scheme" if "/schemes/" in route else "person",
        "platform": "person" if "/people/" in route else "unit",
        "rosters": "import",
    }.get(section)
    values = {
        "<int:pk>": o[pk_of].pk if pk_of else None,
        "<uuid:pk>": o[pk_of].pk if pk_of else None,
        "<int:honour_pk>": o["honour"].pk,
        "<int:member_pk>": o["family"].pk,
        "<int:rule_pk>": o["rule"].pk,
        "<int:hold_pk>": o["hold"].pk,
        "<str:have>": "team",
        "<str:tier>": "studio",
        "<str:field>": "id_number",
        "<str:fmt>": "xlsx",
        "<str:action>": "submit" if section == "benefits" else "deactivate",
    }
    if "<int:obj_pk>" in route:
        values["<int:obj_pk>"] = o["family" if "family" in route else "honour"].pk
    path = route
    for key, value in values.items():
        if key in path:
            path = path.replace(key, str(value))
    if name in REPORT_PAGES:  # these read the scheme and months from the query, as their forms send them
        path += f"?scheme={o['scheme'].pk}&first=2026-01&last=2026-10"
    return "/" + path


REPORT_PAGES = {
    "benefits:report",
    "benefits:report_export",
    "benefits:totals",
    "benefits:totals_chart",
    "benefits:totals_export",
}


def probe(client, roles: list[str], log_in) -> dict[str, tuple[int, ...]]:
    o = objects()
    table = patterns()
    # Logging out or switching language changes the session: those go last.
    order = sorted(table, key=lambda n: (n in ("accounts:logout", "set_language"), n))
    seen: dict[str, list[int]] = {name: [] for name in order}
    for role in roles:
        log_in(client, role)
        for name in order:
            seen[name].append(client.get(path_for(name, table[name], o)).status_code)
    return {name: tuple(codes) for name, codes in sorted(seen.items())}


# GET of each pattern as admin, staff, union, leader, auditor, worker (tests/test_crawl.py ROLES).
EXPECTED: dict[str, tuple[int, ...]] = {
    "accounts:audit_export": (200, 403, 403, 403, 200, 403),
    "accounts:audit_log": (200, 403, 403, 403, 200, 403),
    "accounts:large_text": (405, 405, 405, 405, 405, 405),
    "accounts:login": (302, 302, 302, 302, 302, 302),
    "accounts:logout": (405, 405, 405, 405, 405, 405),
    "accounts:organisation_create": (200, 403, 403, 403, 403, 403),
    "accounts:organisation_edit": (200, 403, 403, 403, 403, 403),
    "accounts:organisation_list": (200, 403, 403, 403, 403, 403),
    "accounts:password_change": (200, 200, 200, 200, 200, 200),
    "accounts:policy": (200, 403, 403, 403, 403, 403),
    "accounts:security_events": (200, 403, 403, 403, 200, 403),
    "accounts:user_action": (405, 405, 405, 405, 405, 405),
    "accounts:user_create": (200, 403, 403, 403, 403, 403),
    "accounts:user_edit": (200, 403, 403, 403, 403, 403),
    "accounts:user_list": (200, 403, 403, 403, 403, 403),
    "api:token_revoke": (405, 405, 405, 405, 405, 405),
    "api:tokens": (200, 200, 200, 403, 200, 403),
    "archive:archive": (405, 405, 405, 405, 405, 405),
    "archive:create": (200, 200, 200, 403, 403, 403),
    "archive:detail": (200, 200, 200, 404, 200, 404),
    "archive:edit": (200, 200, 200, 404, 403, 404),
    "archive:export": (405, 405, 405, 405, 405, 405),
    "archive:family_add": (200, 200, 200, 404, 403, 404),
    "archive:family_edit": (200, 200, 200, 404, 403, 404),
    "archive:family_remove": (200, 200, 200, 404, 403, 404),
    "archive:hardship_close": (200, 200, 200, 404, 403, 404),
    "archive:hardship_edit": (200, 200, 200, 404, 403, 404),
    "archive:hardship_review": (200, 200, 200, 404, 403, 404),
    "archive:hardship_reviews": (200, 200, 200, 403, 200, 403),
    "archive:hardship_spell_correct": (200, 200, 200, 404, 403, 404),
    "archive:honour_add": (200, 200, 200, 404, 403, 404),
    "archive:honour_edit": (200, 200, 200, 404, 403, 404),
    "archive:honour_revoke": (200, 200, 200, 404, 403, 404),
    "archive:honour_void": (200, 200, 200, 404, 403, 404),
    "archive:list": (200, 200, 200, 302, 200, 302),
    "archive:pending": (200, 200, 403, 403, 403, 403),
    "archive:photo": (404, 404, 404, 404, 404, 404),
    "archive:photo_upload": (405, 405, 405, 405, 405, 405),
    "archive:reveal": (405, 405, 405, 405, 405, 405),
    "archive:verify": (405, 405, 405, 405, 405, 405),
    "benefits:arrears": (405, 405, 405, 405, 405, 405),
    "benefits:bank_file": (302, 302, 403, 403, 302, 403),
    "benefits:batch": (200, 200, 403, 403, 200, 403),
    "benefits:batch_action": (405, 405, 405, 405, 405, 405),
    "benefits:generate": (405, 405, 405, 405, 405, 405),
    "benefits:index": (200, 200, 403, 403, 200, 403),
    "benefits:ledger": (200, 200, 403, 403, 200, 403),
    "benefits:ledger_reverse": (405, 405, 405, 405, 405, 405),
    "benefits:person": (200, 200, 200, 404, 200, 404),
    "benefits:person_account": (200, 200, 403, 404, 403, 404),
    "benefits:person_hold": (200, 200, 403, 404, 403, 404),
    "benefits:person_hold_end": (200, 200, 403, 404, 403, 404),
    "benefits:receipts": (302, 302, 403, 403, 302, 403),
    "benefits:report": (200, 200, 403, 403, 200, 403),
    "benefits:report_export": (200, 200, 403, 403, 200, 403),
    "benefits:reveal_account": (405, 405, 405, 405, 405, 405),
    "benefits:rule_create": (200, 200, 403, 403, 403, 403),
    "benefits:rule_edit": (200, 200, 403, 403, 403, 403),
    "benefits:scheme": (200, 200, 403, 403, 200, 403),
    "benefits:scheme_create": (200, 200, 403, 403, 403, 403),
    "benefits:scheme_edit": (200, 200, 403, 403, 403, 403),
    "benefits:scheme_items": (405, 405, 405, 405, 405, 405),
    "benefits:stock": (200, 200, 403, 403, 200, 403),
    "benefits:totals": (200, 200, 403, 403, 200, 403),
    "benefits:totals_chart": (200, 200, 403, 403, 200, 403),
    "benefits:totals_export": (200, 200, 403, 403, 200, 403),
    "care:answer": (405, 405, 405, 405, 405, 405),
    "care:attendance": (405, 405, 405, 405, 405, 405),
    "care:batch": (200, 200, 200, 403, 200, 403),
    "care:batch_create": (200, 200, 403, 403, 403, 403),
    "care:batch_edit": (200, 200, 403, 403, 403, 403),
    "care:campaign": (200, 200, 200, 403, 200, 403),
    "care:checkup_create": (200, 200, 403, 403, 403, 403),
    "care:checkups": (200, 200, 200, 403, 200, 403),
    "care:event": (200, 200, 200, 403, 200, 403),
    "care:event_answer": (405, 405, 405, 405, 405, 405),
    "care:event_attendance": (405, 405, 405, 405, 405, 405),
    "care:event_create": (200, 200, 200, 403, 403, 403),
    "care:event_edit": (200, 200, 200, 403, 403, 403),
    "care:event_invite": (405, 405, 405, 405, 405, 405),
    "care:event_minutes": (405, 405, 405, 405, 405, 405),
    "care:event_photo": (200, 200, 200, 403, 200, 403),
    "care:event_photo_archive": (405, 405, 405, 405, 405, 405),
    "care:event_photo_upload": (405, 405, 405, 405, 405, 405),
    "care:events": (200, 200, 200, 403, 200, 403),
    "care:invite": (405, 405, 405, 405, 405, 405),
    "care:rule_create": (200, 200, 403, 403, 403, 403),
    "care:rules": (200, 200, 200, 403, 200, 403),
    "care:stay_create": (200, 200, 403, 403, 403, 403),
    "care:stays": (200, 200, 200, 403, 200, 403),
    "care:condolence_create": (200, 200, 403, 403, 403, 403),
    "care:need": (200, 200, 200, 403, 200, 403),
    "care:need_create": (200, 200, 200, 403, 403, 403),
    "care:need_resolve": (405, 405, 405, 405, 405, 405),
    "care:need_step": (405, 405, 405, 405, 405, 405),
    "care:needs": (200, 200, 200, 403, 200, 403),
    "care:plan": (200, 200, 200, 403, 200, 403),
    "care:plan_add": (405, 405, 405, 405, 405, 405),
    "care:plan_create": (200, 200, 403, 403, 403, 403),
    "care:plans": (200, 200, 200, 403, 200, 403),
    "care:person": (200, 200, 200, 403, 200, 403),
    "care:year": (200, 200, 200, 403, 200, 403),
    "care:year_chart": (200, 200, 200, 403, 200, 403),
    "care:year_export": (200, 200, 200, 403, 200, 403),
    "care:visit": (200, 200, 200, 403, 200, 403),
    "care:visit_update_file": (405, 405, 405, 405, 405, 405),
    "care:visit_create": (200, 200, 200, 403, 403, 403),
    "care:visit_rule_create": (200, 200, 403, 403, 403, 403),
    "core:job": (404, 200, 404, 404, 404, 404),
    "core:job_download": (404, 404, 404, 404, 404, 404),
    "core:job_retry": (405, 405, 405, 405, 405, 405),
    "home": (302, 302, 302, 302, 302, 302),
    "platform:achievement_add": (200, 200, 200, 404, 403, 403),
    "platform:achievement_void": (405, 405, 405, 405, 405, 405),
    "platform:achievements": (200, 200, 200, 200, 200, 403),
    "platform:achievements_export": (200, 200, 200, 200, 200, 403),
    "platform:case_decide": (405, 405, 405, 405, 405, 405),
    "platform:cases": (200, 200, 403, 403, 200, 403),
    "platform:chart": (200, 200, 200, 200, 200, 403),
    "platform:disburse": (405, 405, 405, 405, 405, 405),
    "platform:evaluation": (200, 200, 403, 403, 200, 403),
    "platform:evidence": (200, 200, 200, 404, 200, 403),
    "platform:evidence_upload": (405, 405, 405, 405, 405, 405),
    "platform:evidence_withdraw": (405, 405, 405, 405, 405, 405),
    "platform:expense_add": (200, 200, 200, 404, 403, 403),
    "platform:expense_receipt": (404, 404, 404, 404, 404, 403),
    "platform:expense_void": (405, 405, 405, 405, 405, 405),
    "platform:inspection": (200, 200, 200, 404, 200, 403),
    "platform:inspection_add": (200, 200, 403, 403, 403, 403),
    "platform:meeting": (200, 200, 200, 404, 200, 403),
    "platform:meeting_add": (200, 200, 200, 404, 403, 403),
    "platform:meetings": (200, 200, 200, 404, 200, 403),
    "platform:member_add": (200, 200, 200, 404, 403, 403),
    "platform:member_end": (405, 405, 405, 405, 405, 405),
    "platform:mentoring": (200, 200, 200, 200, 200, 403),
    "platform:mentorship": (200, 200, 200, 404, 200, 403),
    "platform:mentorship_add": (200, 200, 200, 404, 403, 403),
    "platform:overview": (200, 200, 200, 200, 200, 403),
    "platform:person": (200, 200, 200, 404, 200, 403),
    "platform:pick_employer": (200, 200, 200, 200, 200, 403),
    "platform:pick_person": (200, 200, 200, 200, 200, 403),
    "platform:plan": (200, 200, 403, 403, 200, 403),
    "platform:plan_approve": (405, 405, 405, 405, 405, 405),
    "platform:plan_create": (200, 200, 403, 403, 403, 403),
    "platform:plan_edit": (200, 200, 403, 403, 403, 403),
    "platform:plans": (200, 200, 403, 403, 200, 403),
    "platform:policy": (200, 200, 403, 403, 403, 403),
    "platform:round": (200, 200, 403, 403, 200, 403),
    "platform:round_close": (405, 405, 405, 405, 405, 405),
    "platform:round_create": (405, 405, 405, 405, 405, 405),
    "platform:rounds": (200, 200, 403, 403, 200, 403),
    "platform:rubric": (200, 200, 403, 403, 403, 403),
    "platform:target_create": (200, 200, 403, 403, 403, 403),
    "platform:target_edit": (200, 200, 403, 403, 403, 403),
    "platform:unit": (200, 200, 200, 404, 200, 403),
    "platform:unit_achievements": (200, 200, 200, 404, 200, 403),
    "platform:unit_award": (405, 405, 405, 405, 405, 405),
    "platform:unit_create": (200, 200, 200, 403, 403, 403),
    "platform:unit_edit": (200, 200, 403, 404, 403, 403),
    "platform:unit_have": (200, 200, 200, 404, 403, 403),
    "platform:unit_plaque": (200, 200, 200, 404, 200, 403),
    "platform:unit_re_review": (405, 405, 405, 405, 405, 405),
    "platform:unit_review": (405, 405, 405, 405, 405, 405),
    "platform:units": (200, 200, 200, 200, 200, 403),
    "reports:dashboard": (200, 200, 200, 403, 200, 403),
    "reports:honours_chart": (200, 200, 200, 403, 200, 403),
    "rosters:cancel": (405, 405, 405, 405, 405, 405),
    "rosters:confirm": (405, 405, 405, 405, 405, 405),
    "rosters:detail": (200, 200, 404, 403, 403, 403),
    "rosters:duplicates": (200, 200, 403, 403, 403, 403),
    "rosters:errors": (404, 404, 404, 403, 403, 403),
    "rosters:index": (200, 200, 200, 403, 403, 403),
    "rosters:merge": (405, 405, 405, 405, 405, 405),
    "rosters:original": (200, 200, 404, 403, 403, 403),
    "rosters:remap": (405, 405, 405, 405, 405, 405),
    "rosters:retry": (405, 405, 405, 405, 405, 405),
    "rosters:template": (200, 200, 200, 403, 403, 403),
    "rosters:undo": (405, 405, 405, 405, 405, 405),
    "set_language": (302, 302, 302, 302, 302, 302),
}
