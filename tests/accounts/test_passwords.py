import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongjiang.accounts import services
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.accounts.validators import PolicyPasswordValidator
from tests.factories import PASSWORD


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Demo@2026", True),
        ("short@1", False),
        ("NoDigits@@", False),
        ("nosymbol123", False),
        ("12345678@!", False),
    ],
)
def test_the_default_policy_is_dengbao_level(policy, password, ok):
    validator = PolicyPasswordValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


def test_the_message_lists_what_is_missing_in_chinese(policy):
    with pytest.raises(ValidationError) as e:
        PolicyPasswordValidator().validate("abcdefgh")
    assert e.value.messages == ["密码须含数字、含符号（如 @ # % !）。"]


def test_the_admin_can_loosen_the_symbol_rule(policy, admin_user):
    services.update_policy(actor=admin_user, data={"require_symbols": False})
    PolicyPasswordValidator().validate("abcdefg12")
    entry = AuditEntry.objects.get(object_type="accounts.securitypolicy")
    assert entry.changes == {"require_symbols": [True, False]}


def test_the_minimum_length_cannot_go_below_eight(policy, admin_user):
    with pytest.raises(ValidationError):
        services.update_policy(actor=admin_user, data={"min_length": 6})


def test_changing_ones_password(client, staff_user, policy):
    client.force_login(staff_user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Better#2027", "new_password2": "Better#2027"},
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Better#2027")
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=staff_user).count() == 1
    # Still logged in after the change.
    assert client.get("/archive/").status_code == 200


def test_a_weak_new_password_is_refused_and_nothing_changes(client, staff_user, policy):
    client.force_login(staff_user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "weakweak", "new_password2": "weakweak"},
    )
    assert response.status_code == 200
    assert "密码须含数字" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)


def test_an_expired_password_must_be_changed_first(client, staff_user, policy):
    policy.expiry_days = 90
    policy.save()
    staff_user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    staff_user.save()
    client.force_login(staff_user)
    response = client.get("/archive/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/")


def test_a_reset_password_must_be_changed_at_next_login(client, admin_user, make_user, policy):
    target = make_user(Role.FEDERATION_STAFF, username="newbie")
    one_time = services.reset_password(actor=admin_user, user=target)
    target.refresh_from_db()
    assert target.must_change_password
    assert target.check_password(one_time)
    PolicyPasswordValidator().validate(one_time)
    client.force_login(target)
    assert client.get("/archive/")["Location"] == "/accounts/password/"
