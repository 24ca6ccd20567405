"""Every page, opened by every role: the expected status, and never a server error."""

import datetime as dt

import pytest
from django.urls import reverse

from gongjiang.accounts.enums import Role
from gongjiang.benefits import services
from tests.benefits.conftest import allowance_scheme, retiree

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
]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(client, make_user, union_a, policy, staff_user, role):
    user = make_user(role)
    record = retiree(union_a, actor=staff_user)
    scheme = allowance_scheme(staff_user)
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 10, 1))
    args = {
        "record": [record.pk],
        "user": [user.pk],
        "union": [union_a.pk],
        "scheme": [scheme.pk],
        "batch": [batch.pk],
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
