import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Level
from tests.factories import PASSWORD, ModelWorkerFactory
from tests.platform.test_pages import established

LOGIN = "/accounts/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


@pytest.fixture
def staff(make_user, policy):
    return make_user(Role.FEDERATION_STAFF, username="zhoumin")


def test_login_page_is_chinese(client, db):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "登录" in body
    assert 'lang="zh-hans"' in body


def test_a_good_login_is_audited_with_the_address(client, staff):
    response = post_login(client, "zhoumin", PASSWORD)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (entry.actor, entry.ip_address, entry.via) == (staff, "10.1.2.3", "web")


def test_a_wrong_password_is_refused_in_chinese_and_audited(client, staff):
    response = post_login(client, "zhoumin", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.actor, entry.actor_username, entry.ip_address) == (None, "zhoumin", "10.1.2.3")


def test_five_failures_lock_the_account_even_with_the_right_password(client, staff):
    for _ in range(5):
        post_login(client, "zhoumin", "wrong")
    response = post_login(client, "zhoumin", PASSWORD)
    assert response.status_code == 429
    assert "该账号已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Five wrong passwords, then the right one refused during the lockout: six failures.
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 6
    assert AuditEntry.objects.filter(action=AuditAction.LOCKOUT).count() >= 1


def test_a_lockout_at_one_address_leaves_the_owner_free_at_another(client, admin_user, policy):
    for _ in range(5):
        post_login(client, "admin", "wrong")
    assert post_login(client, "admin", PASSWORD).status_code == 429
    own_desk = client.post(LOGIN, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.7.7.7")
    assert own_desk.status_code == 302


def test_an_administrators_lockout_is_a_security_event(client, admin_user, staff, policy):
    for _ in range(5):
        post_login(client, "zhoumin", "wrong")
    assert not AuditEntry.objects.filter(action=AuditAction.SECURITY).exists()  # staff: a lockout only
    for _ in range(5):
        post_login(client, "admin", "wrong")
    event = AuditEntry.objects.get(action=AuditAction.SECURITY)
    assert (event.detail, event.object_id, event.ip_address) == (
        {"kind": "admin_lockout", "username": "admin", "address": "10.1.2.3"},
        str(admin_user.pk),
        "10.1.2.3",
    )


def test_many_user_names_from_one_address_are_stopped(client, staff, settings):
    settings.LOGIN_ADDRESS_LIMIT, settings.LOGIN_ADDRESS_MINUTES = 20, 15
    for i in range(20):  # four tries each at five names: no name reaches its own lockout
        assert post_login(client, f"guess{i % 5}", "wrong").status_code == 200
    refused = post_login(client, "zhoumin", PASSWORD)
    assert refused.status_code == 429
    assert "此地址登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, detail__refused="address").count() == 1
    event = AuditEntry.objects.get(action=AuditAction.SECURITY)
    assert event.detail == {
        "kind": "throttled",
        "address": "10.1.2.3",
        "failures": 20,
        "minutes": 15,
        "last_username": "guess4",
    }
    other = client.post(LOGIN, {"username": "zhoumin", "password": PASSWORD}, REMOTE_ADDR="10.7.7.7")
    assert other.status_code == 302


def test_the_address_may_try_again_when_its_window_has_passed(client, staff, settings):

    settings.LOGIN_ADDRESS_LIMIT = 3
    for _ in range(3):
        post_login(client, "nobody", "wrong")
    assert post_login(client, "zhoumin", PASSWORD).status_code == 429
    cache.delete("login-failures:10.1.2.3")  # what the window's timeout does
    assert post_login(client, "zhoumin", PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, staff):
    for _ in range(4):
        post_login(client, "zhoumin", "wrong")
    assert post_login(client, "zhoumin", PASSWORD).status_code == 302


def test_the_admin_unlocks_a_locked_account(client, staff, admin_user):
    for _ in range(5):
        post_login(client, "zhoumin", "wrong")
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_edit", args=[staff.pk]))
    assert "已锁定" in page.content.decode()
    client.post(reverse("accounts:user_action", args=[staff.pk, "unlock"]))
    client.logout()
    assert post_login(client, "zhoumin", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.UNLOCK, object_id=str(staff.pk)).count() == 1


def test_an_idle_session_ends_after_the_policy_timeout(client, staff, policy):
    policy.idle_timeout_minutes = 30
    policy.save()
    client.force_login(staff)
    assert client.get("/archive/").status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/archive/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays(client, staff, policy):
    client.force_login(staff)
    session = client.session
    session["last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get("/archive/").status_code == 200


def test_the_session_cookie_never_outlives_the_browser(client, staff, policy):
    """The idle timeout slides on the server; the cookie itself has no Max-Age or Expires."""
    login = post_login(client, "zhoumin", PASSWORD)
    assert (login.cookies["sessionid"]["max-age"], login.cookies["sessionid"]["expires"]) == ("", "")
    session = client.session
    session["last_seen"] = time.time() - 120  # so that this request slides the timeout
    session.save()
    response = client.get("/archive/")
    assert response.status_code == 200
    assert "sessionid" in response.cookies  # the session was written …
    assert (response.cookies["sessionid"]["max-age"], response.cookies["sessionid"]["expires"]) == ("", "")


def test_a_session_ends_twelve_hours_after_login_however_active(client, staff, policy):
    post_login(client, "zhoumin", PASSWORD)
    session = client.session
    assert time.time() - session["started"] < 60
    session["started"] = time.time() - 12 * 3600 + 60
    session.save()
    assert client.get("/archive/").status_code == 200  # active, eleven hours and 59 minutes in
    session = client.session
    session["started"] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get("/archive/", follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "会话最长 12 小时" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_absolute_lifetime_is_configurable(client, staff, policy, settings):
    settings.SESSION_ABSOLUTE_HOURS = 2
    post_login(client, "zhoumin", PASSWORD)
    session = client.session
    session["started"] = time.time() - 2 * 3600 - 1
    session.save()
    assert client.get("/archive/").status_code == 302


def test_logout_is_a_post_and_is_audited(client, staff):
    client.force_login(staff)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor=staff).count() == 1
    assert client.get("/archive/").status_code == 302


def test_the_product_is_chinese_even_when_the_browser_asks_for_english(client, db):
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body


def test_a_user_may_switch_to_english_and_back(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert "Log in" in client.get(LOGIN).content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN})
    assert "登录" in client.get(LOGIN).content.decode()


def test_each_role_lands_on_its_start_page_after_login(client, make_user, policy):
    worker = make_user(Role.MODEL_WORKER, username="laomo")
    response = client.post(LOGIN, {"username": "laomo", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/archive/{worker.model_worker_id}/"
    assert response.status_code == 200
    client.post("/accounts/logout/")
    make_user(Role.FEDERATION_STAFF, username="zhou")
    response = client.post(LOGIN, {"username": "zhou", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/reports/"


def test_a_studio_leader_lands_on_their_unit_and_without_one_on_their_record(
    client, make_user, staff_user, policy, union_a
):

    record = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    leader = make_user(Role.STUDIO_LEADER, username="lingtou", model_worker=record)
    response = client.post(LOGIN, {"username": "lingtou", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/archive/{leader.model_worker_id}/"
    client.post("/accounts/logout/")
    unit = established(staff_user, union_a, leader=leader.model_worker)
    response = client.post(LOGIN, {"username": "lingtou", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/platform/units/{unit.pk}/"
