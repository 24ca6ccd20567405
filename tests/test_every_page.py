"""Every page, opened by every role: the expected status, and never a server error."""

import datetime as dt

import pytest
from django.urls import reverse

from gongjiang.accounts.enums import Role
from gongjiang.benefits import services
from gongjiang.platform import evaluation, funding
from gongjiang.platform import services as platform_services
from tests.benefits.conftest import allowance_scheme, retiree
from tests.platform.test_pages import established

ROLES = [
    Role.FEDERATION_ADMIN,
    Role.FEDERATION_STAFF,
    Role.UNION_STAFF,
    Role.AUDITOR,
    Role.STUDIO_LEADER,
    Role.MODEL_WORKER,
]
A, S, U, AU, L, W = ROLES

# page name, args key, and the exact answer each role gets (ROLES order: admin, staff, union,
# auditor, leader, worker): 200, a redirect (302), a refusal (403) or not found for them (404).
PAGES = [
    ("home", None, (302, 302, 302, 302, 302, 302)),
    ("reports:dashboard", None, (200, 200, 200, 200, 403, 403)),
    ("archive:list", None, (200, 200, 200, 200, 302, 302)),
    ("archive:create", None, (200, 200, 200, 403, 403, 403)),
    ("archive:detail", "record", (200, 200, 200, 200, 404, 404)),
    ("archive:edit", "record", (200, 200, 200, 403, 404, 404)),
    ("archive:honour_add", "record", (200, 200, 200, 403, 404, 404)),
    ("archive:family_add", "record", (200, 200, 200, 403, 404, 404)),
    ("archive:hardship_edit", "record", (200, 200, 200, 403, 404, 404)),
    ("accounts:user_list", None, (200, 403, 403, 403, 403, 403)),
    ("accounts:user_create", None, (200, 403, 403, 403, 403, 403)),
    ("accounts:user_edit", "user", (200, 403, 403, 403, 403, 403)),
    ("accounts:organisation_list", None, (200, 403, 403, 403, 403, 403)),
    ("accounts:organisation_create", None, (200, 403, 403, 403, 403, 403)),
    ("accounts:organisation_edit", "union", (200, 403, 403, 403, 403, 403)),
    ("accounts:policy", None, (200, 403, 403, 403, 403, 403)),
    ("accounts:audit_log", None, (200, 403, 403, 200, 403, 403)),
    ("accounts:password_change", None, (200, 200, 200, 200, 200, 200)),
    ("benefits:index", None, (200, 200, 403, 200, 403, 403)),
    ("benefits:scheme_create", None, (200, 200, 403, 403, 403, 403)),
    ("benefits:scheme", "scheme", (200, 200, 403, 200, 403, 403)),
    ("benefits:scheme_edit", "scheme", (200, 200, 403, 403, 403, 403)),
    ("benefits:rule_create", "scheme", (200, 200, 403, 403, 403, 403)),
    ("benefits:batch", "batch", (200, 200, 403, 200, 403, 403)),
    ("benefits:report", None, (200, 200, 403, 200, 403, 403)),
    ("benefits:totals", None, (200, 200, 403, 200, 403, 403)),
    ("benefits:ledger", None, (200, 200, 403, 200, 403, 403)),
    ("benefits:stock", None, (200, 200, 403, 200, 403, 403)),
    ("benefits:person", "record", (200, 200, 200, 200, 404, 404)),
    ("benefits:person_account", "record", (200, 200, 403, 403, 404, 404)),
    ("benefits:person_hold", "record", (200, 200, 403, 403, 404, 404)),
    ("platform:overview", None, (200, 200, 200, 200, 200, 403)),
    ("platform:chart", None, (200, 200, 200, 200, 200, 403)),
    ("platform:units", None, (200, 200, 200, 200, 200, 403)),
    ("platform:unit_create", None, (200, 200, 200, 403, 403, 403)),
    ("platform:unit", "unit", (200, 200, 200, 200, 404, 403)),
    ("platform:unit_edit", "unit", (200, 200, 403, 403, 404, 403)),
    ("platform:unit_plaque", "unit", (200, 200, 200, 200, 404, 403)),
    ("platform:unit_have", "have", (200, 200, 200, 403, 404, 403)),
    ("platform:member_add", "unit", (200, 200, 200, 403, 404, 403)),
    ("platform:inspection_add", "unit", (200, 200, 403, 403, 403, 403)),
    ("platform:inspection", "inspection", (200, 200, 200, 200, 404, 403)),
    ("platform:meetings", "unit", (200, 200, 200, 200, 404, 403)),
    ("platform:meeting_add", "unit", (200, 200, 200, 403, 404, 403)),
    ("platform:meeting", "meeting", (200, 200, 200, 200, 404, 403)),
    ("platform:unit_achievements", "unit", (200, 200, 200, 200, 404, 403)),
    ("platform:achievement_add", "unit", (200, 200, 200, 403, 404, 403)),
    ("platform:mentorship_add", "unit", (200, 200, 200, 403, 404, 403)),
    ("platform:mentorship", "mentorship", (200, 200, 200, 200, 404, 403)),
    ("platform:expense_add", "unit", (200, 200, 200, 403, 404, 403)),
    ("platform:rounds", None, (200, 200, 403, 200, 403, 403)),
    ("platform:round", "round", (200, 200, 403, 200, 403, 403)),
    ("platform:evaluation", "evaluation", (200, 200, 403, 200, 403, 403)),
    ("platform:rubric", "tier", (200, 200, 403, 403, 403, 403)),
    ("platform:cases", None, (200, 200, 403, 200, 403, 403)),
    ("platform:plans", None, (200, 200, 403, 200, 403, 403)),
    ("platform:plan_create", None, (200, 200, 403, 403, 403, 403)),
    ("platform:plan", "plan", (200, 200, 403, 200, 403, 403)),
    ("platform:achievements", None, (200, 200, 200, 200, 200, 403)),
    ("platform:mentoring", None, (200, 200, 200, 200, 200, 403)),
    ("platform:target_create", None, (200, 200, 403, 403, 403, 403)),
    ("platform:policy", None, (200, 200, 403, 403, 403, 403)),
    ("platform:person", "record", (200, 200, 200, 200, 404, 403)),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(client, make_user, union_a, policy, staff_user, role):
    user = make_user(role)
    record = retiree(union_a, actor=staff_user)
    scheme = allowance_scheme(staff_user)
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 10, 1))
    unit = established(staff_user, union_a)
    rnd = evaluation.open_round(actor=staff_user, year=2026, title="2026 年度考评", tiers=["studio"])
    plan = funding.save_plan(actor=staff_user, data={"year": 2026, "budget": 100000})
    inspection = platform_services.add_inspection(
        actor=staff_user,
        unit=unit,
        inspected_on=dt.date(2026, 5, 1),
        inspectors="督查组",
        findings="台账不全",
        deadline=dt.date(2026, 7, 1),
    )
    meeting = platform_services.add_meeting(
        actor=staff_user, unit=unit, held_on=dt.date(2026, 5, 2), attendees="全体", minutes="例会"
    )
    mentorship = platform_services.add_mentorship(
        actor=staff_user,
        unit=unit,
        master=unit.leader,
        master_name="",
        apprentice_name="小王",
        agreed_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        goals="取得技师资格",
    )
    args = {
        "record": [record.pk],
        "user": [user.pk],
        "union": [union_a.pk],
        "scheme": [scheme.pk],
        "batch": [batch.pk],
        "unit": [unit.pk],
        "have": [unit.pk, "team"],
        "round": [rnd.pk],
        "evaluation": [rnd.evaluations.get().pk],
        "tier": ["studio"],
        "plan": [plan.pk],
        "inspection": [inspection.pk],
        "meeting": [meeting.pk],
        "mentorship": [mentorship.pk],
        None: [],
    }
    client.force_login(user)
    found = {name: client.get(reverse(name, args=args[key])).status_code for name, key, _codes in PAGES}
    expected = {name: codes[ROLES.index(role)] for name, _key, codes in PAGES}
    assert found == expected


def test_a_model_worker_opens_their_own_record(client, worker_user, policy):
    client.force_login(worker_user)
    assert client.get(reverse("archive:detail", args=[worker_user.model_worker_id])).status_code == 200
