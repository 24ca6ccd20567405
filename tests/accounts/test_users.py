import pytest
from django.urls import reverse

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry, Organisation, User
from tests.factories import ModelWorkerFactory


def test_only_the_admin_manages_users(client_for, staff_user, auditor_user, admin_user):
    for user in (staff_user, auditor_user):
        assert client_for(user).get(reverse("accounts:user_list")).status_code == 403
    assert client_for(admin_user).get(reverse("accounts:user_list")).status_code == 200


def test_creating_a_union_user_shows_a_one_time_password(client_for, admin_user, union_a, policy):
    response = client_for(admin_user).post(
        reverse("accounts:user_create"),
        {"username": "chenjing", "full_name": "陈静", "role": Role.UNION_STAFF, "organisation": union_a.pk},
    )
    assert response.status_code == 200
    user = User.objects.get(username="chenjing")
    assert user.must_change_password
    assert user.check_password(response.context["password"])
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="accounts.user")
    assert entry.changes["role"] == [None, Role.UNION_STAFF]


def test_a_role_must_fit_its_organisation(client_for, admin_user, union_a, federation, policy):
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "x1", "full_name": "甲", "role": Role.UNION_STAFF, "organisation": federation.pk},
    )
    assert "organisation" in response.context["form"].errors
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "x2", "full_name": "乙", "role": Role.MODEL_WORKER, "organisation": union_a.pk},
    )
    assert "model_worker" in response.context["form"].errors
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_a_model_worker_account_links_by_record_number_or_id_number(client_for, admin_user, union_a, policy):
    worker = ModelWorkerFactory(union=union_a)
    response = client_for(admin_user).post(
        reverse("accounts:user_create"),
        {
            "username": "laomo",
            "full_name": worker.name,
            "role": Role.MODEL_WORKER,
            "organisation": union_a.pk,
            "model_worker": worker.id_number.lower(),
        },
    )
    assert response.status_code == 200
    assert User.objects.get(username="laomo").model_worker == worker


def test_deactivating_keeps_the_user(client_for, admin_user, staff_user):
    client_for(admin_user).post(reverse("accounts:user_action", args=[staff_user.pk, "deactivate"]))
    staff_user.refresh_from_db()
    assert not staff_user.is_active
    assert AuditEntry.objects.filter(action=AuditAction.DEACTIVATE, object_id=str(staff_user.pk)).count() == 1


def test_the_admin_cannot_deactivate_themselves(client_for, admin_user):
    client_for(admin_user).post(reverse("accounts:user_action", args=[admin_user.pk, "deactivate"]))
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_organisations_form_a_tree_and_are_closed_not_deleted(client_for, admin_user, federation, union_a):
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:organisation_create"),
        {
            "name": "梁溪区新工会",
            "code": "LX-099",
            "kind": "grassroots",
            "parent": federation.pk,
            "sort_order": 9,
            "is_active": "on",
        },
    )
    assert response.status_code == 302

    org = Organisation.objects.get(code="LX-099")
    assert org.path == f"{federation.path}{org.pk}/"
    ModelWorkerFactory(union=union_a)
    response = client.post(
        reverse("accounts:organisation_edit", args=[union_a.pk]),
        {
            "name": union_a.name,
            "code": union_a.code,
            "kind": "grassroots",
            "parent": federation.pk,
            "sort_order": 1,
        },
    )
    assert "is_active" in response.context["form"].errors


@pytest.mark.parametrize("role", [Role.FEDERATION_STAFF, Role.AUDITOR, Role.UNION_STAFF])
def test_only_the_admin_edits_the_security_policy(client_for, make_user, role):
    assert client_for(make_user(role)).get(reverse("accounts:policy")).status_code == 403
