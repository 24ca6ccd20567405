"""Two staff take the last place of a batch at the same moment (PostgreSQL, real threads and connections)."""

import pytest
from django.core.exceptions import ValidationError

from gongjiang.accounts.enums import Role
from gongjiang.care.enums import InvitationState
from gongjiang.care.models import Batch, Invitation
from gongjiang.care.services import invitations
from tests.benefits.test_concurrency import together
from tests.care.conftest import checkup, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_staff_taking_the_last_place_at_once_one_gets_it_the_other_is_told(make_user, staff_user, union_a):
    other_staff = make_user(Role.FEDERATION_STAFF, username="staff2")
    _campaign, batch = checkup(staff_user, places=3)
    for name in ("甲", "乙"):
        invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name=name))
    a, b = person(union_a, name="丙"), person(union_a, name="丁")
    results = together(
        lambda: invitations.invite(actor=staff_user, batch=batch, model_worker=a),
        lambda: invitations.invite(actor=other_staff, batch=batch, model_worker=b),
    )
    made = [r for r in results if isinstance(r, Invitation)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(made), len(refused)) == (1, 1), results
    assert refused[0].messages == ["第一批名额已满（3个名额），没有空余名额了。可改为列入候补名单。"]
    batch.refresh_from_db()
    assert (batch.taken, batch.capacity) == (3, 3)
    assert Invitation.objects.filter(batch=batch, state=InvitationState.INVITED).count() == 3


def test_twelve_invitations_at_once_fill_the_places_and_no_more(make_user, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=5)
    people = [person(union_a, name=f"并发{i}") for i in range(12)]
    results = together(*[lambda p=p: invitations.invite(actor=staff_user, batch=batch, model_worker=p) for p in people])
    assert sum(isinstance(r, Invitation) for r in results) == 5, results
    assert sum(isinstance(r, ValidationError) for r in results) == 7
    assert Batch.objects.get(pk=batch.pk).taken == 5
    assert Invitation.objects.filter(batch=batch).count() == 5


def test_a_decline_and_a_new_invitation_at_once_never_overfill(make_user, staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=1)
    first = invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name="甲"))
    invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name="候补"), waiting=True)
    newcomer = person(union_a, name="新来")
    together(
        lambda: invitations.answer(actor=staff_user, invitation=first, accepted=False),
        lambda: invitations.invite(actor=staff_user, batch=batch, model_worker=newcomer),
    )
    batch.refresh_from_db()
    holding = Invitation.objects.filter(batch=batch, state=InvitationState.INVITED).count()
    assert batch.taken == holding == 1
