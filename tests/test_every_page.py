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

# page name, args key, roles that get 200 (others get 403, 404 or a redirect)
PAGES = [
    ("home", None, None),
    ("reports:dashboard", None, {A, S, U, AU}),
    ("archive:list", None, {A, S, U, AU}),
    ("archive:create", None, {A, S, U}),
    ("archive:detail", "record", {A, S, U, AU}),
    ("archive:edit", "record", {A, S, U}),
    ("archive:honour_add", "record", {A, S, U}),
    ("archive:family_add", "record", {A, S, U}),
    ("archive:hardship_edit", "record", {A, S, U}),
    ("accounts:user_list", None, {A}),
    ("accounts:user_create", None, {A}),
    ("accounts:user_edit", "user", {A}),
    ("accounts:organisation_list", None, {A}),
    ("accounts:organisation_create", None, {A}),
    ("accounts:organisation_edit", "union", {A}),
    ("accounts:policy", None, {A}),
    ("accounts:audit_log", None, {A, AU}),
    ("accounts:password_change", None, set(ROLES)),
    ("benefits:index", None, {A, S, AU}),
    ("benefits:scheme_create", None, {A, S}),
    ("benefits:scheme", "scheme", {A, S, AU}),
    ("benefits:scheme_edit", "scheme", {A, S}),
    ("benefits:rule_create", "scheme", {A, S}),
    ("benefits:batch", "batch", {A, S, AU}),
    ("benefits:report", None, {A, S, AU}),
    ("benefits:totals", None, {A, S, AU}),
    ("benefits:ledger", None, {A, S, AU}),
    ("benefits:stock", None, {A, S, AU}),
    ("benefits:person", "record", {A, S, U, AU}),
    ("benefits:person_account", "record", {A, S}),
    ("benefits:person_hold", "record", {A, S}),
    ("platform:overview", None, {A, S, U, AU, L}),
    ("platform:chart", None, {A, S, U, AU, L}),
    ("platform:units", None, {A, S, U, AU, L}),
    ("platform:unit_create", None, {A, S, U}),
    ("platform:unit", "unit", {A, S, U, AU}),
    ("platform:unit_edit", "unit", {A, S}),
    ("platform:unit_plaque", "unit", {A, S, U, AU}),
    ("platform:unit_have", "have", {A, S, U}),
    ("platform:member_add", "unit", {A, S, U}),
    ("platform:inspection_add", "unit", {A, S}),
    ("platform:inspection", "inspection", {A, S, U, AU}),
    ("platform:meetings", "unit", {A, S, U, AU}),
    ("platform:meeting_add", "unit", {A, S, U}),
    ("platform:meeting", "meeting", {A, S, U, AU}),
    ("platform:unit_achievements", "unit", {A, S, U, AU}),
    ("platform:achievement_add", "unit", {A, S, U}),
    ("platform:mentorship_add", "unit", {A, S, U}),
    ("platform:mentorship", "mentorship", {A, S, U, AU}),
    ("platform:expense_add", "unit", {A, S, U}),
    ("platform:rounds", None, {A, S, AU}),
    ("platform:round", "round", {A, S, AU}),
    ("platform:evaluation", "evaluation", {A, S, AU}),
    ("platform:rubric", "tier", {A, S}),
    ("platform:cases", None, {A, S, AU}),
    ("platform:plans", None, {A, S, AU}),
    ("platform:plan_create", None, {A, S}),
    ("platform:plan", "plan", {A, S, AU}),
    ("platform:achievements", None, {A, S, U, AU, L}),
    ("platform:mentoring", None, {A, S, U, AU, L}),
    ("platform:target_create", None, {A, S}),
    ("platform:policy", None, {A, S}),
    ("platform:person", "record", {A, S, U, AU}),
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
    for name, key, allowed in PAGES:
        response = client.get(reverse(name, args=args[key]))
        assert response.status_code < 500, name
        if allowed is None:
            assert response.status_code == 302, name
        elif role in allowed:
            assert response.status_code == 200, (name, response.status_code)
        else:
            assert response.status_code in (302, 403, 404), (name, response.status_code)


def test_a_model_worker_opens_their_own_record(client, worker_user, policy):
    client.force_login(worker_user)
    assert client.get(reverse("archive:detail", args=[worker_user.model_worker_id])).status_code == 200
