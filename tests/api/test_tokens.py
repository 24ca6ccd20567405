"""A token never outlives its user's password, role or account, and every token expires."""

import datetime as dt

import pytest
from django.utils import timezone

from gongjiang.accounts import services as account_services
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.api import services as token_services
from gongjiang.api.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, ModelWorkerFactory


@pytest.fixture
def worker(union_a):
    return ModelWorkerFactory(union=union_a, name="王秀英", phone="13912345678")


@pytest.fixture
def token(staff_user, policy):
    return token_services.create_token(actor=staff_user, name="统计报送")


def reads_and_reveals(client, text, worker) -> tuple[int, int]:
    api = ApiClient(client, text)
    return (
        api.get(f"/model-workers/{worker.pk}").status_code,
        api.post(f"/model-workers/{worker.pk}/reveal", {"field": "phone"}).status_code,
    )


def revocations(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="api.apitoken", action=AuditAction.DEACTIVATE)
        .order_by("id")
        .values_list("detail__reason", flat=True)
    )


def test_after_an_admin_resets_the_password_the_old_token_neither_reads_nor_reveals(
    client, token, staff_user, admin_user, worker
):
    record, text = token
    assert reads_and_reveals(client, text, worker) == (200, 200)
    account_services.reset_password(actor=admin_user, user=staff_user)
    assert reads_and_reveals(client, text, worker) == (401, 401)
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert revocations(staff_user) == ["password_reset"]
    entry = AuditEntry.objects.get(object_type="api.apitoken", action=AuditAction.DEACTIVATE)
    assert (entry.actor, entry.object_id) == (admin_user, str(record.pk))


def test_a_token_is_refused_while_the_password_must_be_changed(client, token, staff_user, worker):
    _record, text = token
    staff_user.must_change_password = True
    staff_user.save(update_fields=["must_change_password"])
    assert reads_and_reveals(client, text, worker) == (401, 401)


def test_a_token_is_refused_once_the_password_has_expired(client, token, staff_user, policy, worker):
    _record, text = token
    policy.expiry_days = 90
    policy.save()
    staff_user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    staff_user.save(update_fields=["password_changed_at"])
    ApiToken.objects.update(created_at=timezone.now() - dt.timedelta(days=100))
    assert reads_and_reveals(client, text, worker) == (401, 401)


def test_a_token_made_before_the_password_changed_is_refused(client, token, staff_user, worker):
    """Even if the change bypassed the services (a password set from the shell)."""
    _record, text = token
    staff_user.set_password("Another#2027")
    staff_user.save()
    assert reads_and_reveals(client, text, worker) == (401, 401)


def test_changing_ones_own_password_revokes_ones_tokens(client, token, staff_user, worker):
    record, text = token
    account_services.change_own_password(user=staff_user, old_password=PASSWORD, new_password="Better#2027")
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert revocations(staff_user) == ["password_change"]
    assert reads_and_reveals(client, text, worker) == (401, 401)
    fresh = token_services.create_token(actor=staff_user, name="新令牌")[1]
    assert reads_and_reveals(client, fresh, worker) == (200, 200)


def test_a_role_change_revokes_the_users_tokens(client, token, staff_user, admin_user, worker):
    record, text = token
    account_services.update_user(actor=admin_user, user=staff_user, data={"role": Role.AUDITOR})
    assert reads_and_reveals(client, text, worker)[0] == 401
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert revocations(staff_user) == ["role_change"]


def test_saving_a_user_without_changing_role_keeps_their_tokens(client, token, staff_user, admin_user, worker):
    _record, text = token
    account_services.update_user(actor=admin_user, user=staff_user, data={"full_name": "周敏"})
    assert reads_and_reveals(client, text, worker) == (200, 200)
    assert revocations(staff_user) == []


def test_deactivation_revokes_the_users_tokens(client, token, staff_user, admin_user):
    record, _text = token
    account_services.set_user_active(actor=admin_user, user=staff_user, active=False)
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert revocations(staff_user) == ["deactivated"]


def test_every_token_expires_by_default_after_the_configured_days(staff_user, settings):
    record, _text = token_services.create_token(actor=staff_user, name="默认")
    assert record.expires_on == timezone.localdate() + dt.timedelta(days=90)
    settings.GONGJIANG = {**settings.GONGJIANG, "API_TOKEN_DAYS": 30}
    record, _text = token_services.create_token(actor=staff_user, name="三十天")
    assert record.expires_on == timezone.localdate() + dt.timedelta(days=30)


def test_a_token_cannot_be_made_to_last_longer_than_the_limit(client, staff_user):
    client.force_login(staff_user)
    too_late = timezone.localdate() + dt.timedelta(days=91)
    page = client.post("/accounts/tokens/", {"name": "永久", "expires_on": too_late.isoformat()}).content.decode()
    latest = timezone.localdate() + dt.timedelta(days=90)
    assert f"令牌最长有效 90 天：请选择 {latest:%Y-%m-%d} 或更早的日期。" in page
    assert ApiToken.objects.count() == 0
    assert "留空则有效 90 天（最长期限）" in client.get("/accounts/tokens/").content.decode()
