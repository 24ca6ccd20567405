"""The services check the people and employers they are handed, whoever calls them; the
fetch-and-check functions tell "not yours" (404) from "not allowed" (403); ``None`` acts as no one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from gongjiang.accounts.permissions import SYSTEM
from gongjiang.archive.enums import Level
from gongjiang.archive.models import Employer
from gongjiang.platform import access, services
from gongjiang.platform.enums import Tier
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import apply


@pytest.mark.django_db
def test_a_union_cannot_name_a_leader_of_another_union(union_user, union_a, union_b):
    outsider = ModelWorkerFactory(union=union_b, with_level=Level.MUNICIPAL)
    data = {"name": "越界工作室", "tier": Tier.STUDIO, "union": union_a, "leader": outsider, "leader_name": ""}
    with pytest.raises(ValidationError) as e:
        services.apply_unit(actor=union_user, data=data)
    assert list(e.value.message_dict) == ["leader"]


@pytest.mark.django_db
def test_a_union_cannot_name_an_employer_of_another_union(union_user, union_a, union_b):
    employer = Employer.objects.create(name="别家企业", union=union_b)
    data = {
        "name": "越界岗",
        "tier": Tier.STANDARD_BEARER,
        "union": union_a,
        "leader_name": "带头人",
        "employer": employer,
    }
    with pytest.raises(ValidationError) as e:
        services.apply_unit(actor=union_user, data=data)
    assert list(e.value.message_dict) == ["employer"]


@pytest.mark.django_db
def test_a_union_cannot_put_another_unions_person_on_its_team(union_user, union_a, union_b):
    unit = apply(union_user, union=union_a)
    outsider = ModelWorkerFactory(union=union_b)
    with pytest.raises(ValidationError) as e:
        services.add_member(actor=union_user, unit=unit, model_worker=outsider, name="")
    assert list(e.value.message_dict) == ["model_worker"]
    assert unit.members.filter(model_worker=outsider).count() == 0


@pytest.mark.django_db
def test_an_unchanged_leader_from_elsewhere_does_not_stop_an_edit(staff_user, union_user, union_a, union_b):
    leader = ModelWorkerFactory(union=union_b, with_level=Level.MUNICIPAL)
    unit = apply(staff_user, union=union_a, tier=Tier.STUDIO, leader=leader)
    services.update_unit(actor=union_user, unit=unit, data={"name": "改名工作室"})
    unit.refresh_from_db()
    assert (unit.name, unit.leader_id) == ("改名工作室", leader.pk)


@pytest.mark.django_db
def test_no_actor_is_refused_and_the_system_actor_may(staff_user, union_a):
    with pytest.raises(PermissionDenied):
        apply(None, union=union_a)
    unit = apply(staff_user, union=union_a)
    with pytest.raises(PermissionDenied):
        services.set_have(actor=None, unit=unit, have="venue", met=True, note="")
    item = services.set_have(actor=SYSTEM, unit=unit, have="venue", met=True, note="")
    assert (item.met, item.updated_by) == (True, None)


@pytest.mark.django_db
def test_access_unit_is_404_out_of_scope_and_403_without_keeping(union_a, union_b, staff_user, make_user, auditor_user):
    unit = apply(staff_user, union=union_a)
    other_union_staff = make_user("union_staff", organisation=union_b)
    with pytest.raises(Http404):
        access.access_unit(other_union_staff, unit.pk)
    assert access.access_unit(auditor_user, unit.pk) == unit
    with pytest.raises(PermissionDenied):
        access.access_unit(auditor_user, unit.pk, keep=True)
    member = unit.members.get()
    assert access.access_member(staff_user, member.pk, keep=True).unit == unit
    with pytest.raises(Http404):
        access.access_member(other_union_staff, member.pk)


@pytest.mark.django_db(transaction=True)
def test_access_unit_can_lock_the_row(staff_user, union_a):
    unit = apply(staff_user, union=union_a)
    with transaction.atomic():
        assert access.access_unit(staff_user, unit.pk, keep=True, for_update=True) == unit
