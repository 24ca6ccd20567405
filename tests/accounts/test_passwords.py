import datetime as dt
import itertools

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


def change(user, old, new):
    services.change_own_password(user=user, old_password=old, new_password=new)


def test_none_of_the_last_five_passwords_may_be_chosen_again(staff_user, policy):
    passwords = [PASSWORD, *(f"Pass#{i}word2027" for i in range(1, 6))]
    for old, new in itertools.pairwise(passwords):
        change(staff_user, old, new)
    current = passwords[-1]
    for reused in passwords[-5:-1]:  # the four before the current one (which makes five)
        with pytest.raises(ValidationError) as e:
            change(staff_user, current, reused)
        assert e.value.message_dict == {"new_password1": ["这是您最近 5 次用过的密码之一，请换一个从未用过的密码。"]}
    staff_user.refresh_from_db()
    assert staff_user.check_password(current)
    change(staff_user, current, passwords[0])  # six passwords ago: allowed again
    assert staff_user.check_password(passwords[0])


def test_an_admins_reset_does_not_make_the_old_password_usable_again(staff_user, admin_user, policy):
    temporary = services.reset_password(actor=admin_user, user=staff_user)
    with pytest.raises(ValidationError) as e:
        change(staff_user, temporary, PASSWORD)
    assert "这是您最近 5 次用过的密码之一" in e.value.message_dict["new_password1"][0]


def test_the_number_remembered_is_the_policys(staff_user, admin_user, policy, client):
    services.update_policy(actor=admin_user, data={"password_history": 0})
    change(staff_user, PASSWORD, "Second#2027")
    change(staff_user, "Second#2027", PASSWORD)  # no history kept in mind
    with pytest.raises(ValidationError):
        services.update_policy(actor=admin_user, data={"password_history": 25})
    client.force_login(admin_user)
    page = client.get("/accounts/policy/").content.decode()
    assert "记住的历史密码数" in page
