"""Invite, answer, the waiting list, attendance: the capacity is never exceeded."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Status
from gongjiang.care.enums import InvitationState
from gongjiang.care.models import Batch, Invitation
from gongjiang.care.services import campaigns, invitations
from tests.care.conftest import checkup, person

pytestmark = pytest.mark.django_db


def test_the_last_place_goes_once_and_the_next_is_refused_in_chinese(staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=2)
    a, b, c = (person(union_a, name=n) for n in ("甲", "乙", "丙"))
    invitations.invite(actor=staff_user, batch=batch, model_worker=a)
    invitations.invite(actor=staff_user, batch=batch, model_worker=b)
    with pytest.raises(ValidationError) as e:
        invitations.invite(actor=staff_user, batch=batch, model_worker=c)
    assert e.value.messages == ["第一批名额已满（2个名额），没有空余名额了。可改为列入候补名单。"]
    batch.refresh_from_db()
    assert (batch.taken, batch.capacity) == (2, 2)
    assert Invitation.objects.filter(batch=batch).count() == 2


def test_the_database_refuses_more_taken_than_places(staff_user):
    _campaign, batch = checkup(staff_user, places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.filter(pk=batch.pk).update(taken=2)


def test_a_declined_place_goes_to_the_first_on_the_waiting_list(staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=1)
    a, b, c = (person(union_a, name=n) for n in ("甲", "乙", "丙"))
    first = invitations.invite(actor=staff_user, batch=batch, model_worker=a)
    invitations.invite(actor=staff_user, batch=batch, model_worker=b, waiting=True)
    invitations.invite(actor=staff_user, batch=batch, model_worker=c, waiting=True)
    promoted = invitations.answer(actor=staff_user, invitation=first, accepted=False)
    assert [p.model_worker.name for p in promoted] == ["乙"]
    states = dict(Invitation.objects.values_list("model_worker__name", "state"))
    assert states == {"甲": "declined", "乙": "invited", "丙": "waiting"}
    batch.refresh_from_db()
    assert batch.taken == 1


def test_one_invitation_per_person_and_campaign(staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=5)
    a = person(union_a)
    invitations.invite(actor=staff_user, batch=batch, model_worker=a)
    with pytest.raises(ValidationError) as e:
        invitations.invite(actor=staff_user, batch=batch, model_worker=a)
    assert e.value.messages == ["张三已在本次活动中。"]


def test_the_dead_are_not_invited(staff_user, union_a):
    _campaign, batch = checkup(staff_user)
    gone = person(union_a, status=Status.DECEASED, died_on=dt.date(2025, 1, 2))
    with pytest.raises(ValidationError) as e:
        invitations.invite(actor=staff_user, batch=batch, model_worker=gone)
    assert e.value.messages == ["张三已去世。"]


def test_attendance_keeps_a_flag_and_a_note_and_the_log_keeps_neither(staff_user, union_a):
    _campaign, batch = checkup(staff_user, starts=dt.date(2026, 4, 18))
    inv = invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a))
    invitations.answer(actor=staff_user, invitation=inv, accepted=True)
    invitations.record_attendance(
        actor=staff_user, invitation=inv, attended=True, follow_up=True, note="血压偏高，复查"
    )
    inv.refresh_from_db()
    assert (inv.state, inv.follow_up, inv.follow_up_note) == ("attended", True, "血压偏高，复查")
    entry = AuditEntry.objects.filter(object_type="care.invitation").latest("id")
    assert entry.changes == {
        "state": ["accepted", "attended"],
        "follow_up": ["（已记录，内容不记入日志）", "（已记录，内容不记入日志）"],
        "follow_up_note": ["", "（已记录，内容不记入日志）"],
    }
    assert entry.model_worker_id == inv.model_worker_id
    with pytest.raises(ValidationError):
        invitations.record_attendance(actor=staff_user, invitation=inv, attended=False)


def test_attendance_waits_for_the_batch_to_start(staff_user, union_a):
    _campaign, batch = checkup(staff_user, year=2099, starts=dt.date(2099, 4, 18))
    inv = invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a))
    with pytest.raises(ValidationError) as e:
        invitations.record_attendance(actor=staff_user, invitation=inv, attended=True)
    assert e.value.messages == ["该批次尚未开始（2099-04-18）。"]


def test_a_union_invites_its_own_people_only(staff_user, union_user, union_a, union_b):
    _campaign, batch = checkup(staff_user)
    invitations.invite(actor=union_user, batch=batch, model_worker=person(union_a, name="本会"))
    with pytest.raises(PermissionDenied):
        invitations.invite(actor=union_user, batch=batch, model_worker=person(union_b, name="他会"))


def test_the_auditor_cannot_invite(staff_user, auditor_user, union_a):
    _campaign, batch = checkup(staff_user)
    with pytest.raises(PermissionDenied):
        invitations.invite(actor=auditor_user, batch=batch, model_worker=person(union_a))


def test_more_places_move_the_waiting_list_up(staff_user, union_a):
    _campaign, batch = checkup(staff_user, places=1)
    invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name="甲"))
    invitations.invite(actor=staff_user, batch=batch, model_worker=person(union_a, name="乙"), waiting=True)
    data = {k: getattr(batch, k) for k in ("name", "starts_on", "ends_on", "place", "cost_per_person", "programme")}
    with pytest.raises(ValidationError):
        campaigns.change_batch(actor=staff_user, batch=batch, data={**data, "capacity": 0})
    campaigns.change_batch(actor=staff_user, batch=batch, data={**data, "capacity": 2})
    assert Invitation.objects.get(model_worker__name="乙").state == InvitationState.INVITED
    batch.refresh_from_db()
    assert batch.taken == 2
