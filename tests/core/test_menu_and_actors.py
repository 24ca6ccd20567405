"""The contracts the apps build on: capabilities granted by an app, the system actor, the one
``require``, and menu entries registered by the app that owns the page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongjiang.accounts import menu, permissions
from gongjiang.accounts.enums import Role


@pytest.fixture(autouse=True)
def _registries(monkeypatch):
    """What a test registers does not outlive it."""
    # The registries are private on purpose (apps register, nobody edits): a test snapshots them.
    monkeypatch.setattr(permissions, "_GRANTED", {k: set(v) for k, v in permissions._GRANTED.items()})  # noqa: SLF001
    monkeypatch.setattr(menu, "_ITEMS", list(menu._ITEMS))  # noqa: SLF001


def test_an_app_grants_its_own_capabilities_to_roles(make_user):
    permissions.grant({Role.FEDERATION_STAFF: {"test_only_cap"}})
    staff, union = make_user(Role.FEDERATION_STAFF), make_user(Role.UNION_STAFF)
    assert (permissions.has_perm(staff, "test_only_cap"), permissions.has_perm(union, "test_only_cap")) == (True, False)
    assert "test_only_cap" in permissions.registered_perms()


def test_require_refuses_no_actor_and_the_wrong_role_and_lets_the_system_through(make_user):
    with pytest.raises(PermissionDenied, match="未指明操作人"):
        permissions.require(None, permissions.Perm.EDIT_RECORDS)
    with pytest.raises(PermissionDenied, match="您无权进行此操作"):
        permissions.require(make_user(Role.AUDITOR), permissions.Perm.EDIT_RECORDS)
    permissions.require(permissions.SYSTEM, permissions.Perm.MANAGE_USERS)
    assert permissions.union_scope(permissions.SYSTEM) is None


def test_a_registered_menu_entry_shows_for_the_roles_that_hold_its_capability(client, make_user):
    menu.register(menu.Item(group="reports", label="测试入口", url_name="reports:dashboard", perm="view_audit"))
    client.force_login(make_user(Role.AUDITOR))
    auditor_page = client.get(reverse("accounts:password_change")).content.decode()
    client.force_login(make_user(Role.UNION_STAFF))
    union_page = client.get(reverse("accounts:password_change")).content.decode()
    assert ("统计与报告" in auditor_page, "测试入口" in auditor_page) == (True, True)
    assert "测试入口" not in union_page
