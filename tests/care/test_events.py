"""Care events: a federation's and a union's, invitations with the batches' machinery (capacity,
waiting list, attendance), minutes, private photos, the pages and their queries, the year."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.accounts.demo import UNION_USER_UNION
from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Status
from gongjiang.care import event_selectors
from gongjiang.care.enums import EventKind, InvitationState
from gongjiang.care.models import Event, EventInvitation, EventPhoto
from gongjiang.care.services import events
from gongjiang.care.yearly import care_year, sentences
from gongjiang.demo.care_events import play_events
from tests.benefits.test_concurrency import together
from tests.care.conftest import person
from tests.factories import ModelWorkerFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TOPIC = "弘扬'工匠精神'，当好时代劳模"


def symposium(actor, organiser, *, places=3, on=dt.date(2016, 4, 26), **kw):
    data = {
        "kind": EventKind.SYMPOSIUM,
        "title": "劳模座谈会",
        "starts_on": on,
        "place": "区总工会三楼会议室",
        "capacity": places,
        "topic": TOPIC,
        **kw,
    }
    return events.create_event(actor=actor, organiser=organiser, data=data)


def outing(actor, organiser, *, places=3, on=dt.date(2016, 5, 20), title="古运河一日游"):
    data = {"kind": EventKind.OUTING, "title": title, "starts_on": on, "place": "清名桥古运河", "capacity": places}
    return events.create_event(actor=actor, organiser=organiser, data=data)


# --- Services -----------------------------------------------------------------------------------


def test_an_event_is_checked_in_chinese(staff_user, federation):
    with pytest.raises(ValidationError) as e:
        events.create_event(
            actor=staff_user,
            organiser=federation,
            data={"kind": EventKind.SYMPOSIUM, "title": "", "starts_on": None, "place": "", "capacity": 0},
        )
    assert e.value.message_dict == {
        "title": ["请填写活动名称。"],
        "place": ["请填写地点。"],
        "starts_on": ["请填写日期。"],
        "capacity": ["请填写名额（至少1个）。"],
        "topic": ["座谈会须有主题。"],
    }
    event = outing(staff_user, federation)
    assert (event.kind, event.topic, event.taken, event.capacity, event.organiser_id) == (
        "outing",
        "",
        0,
        3,
        federation.pk,
    )


def test_the_last_place_goes_once_the_waiting_list_moves_up_and_attendance_is_recorded(staff_user, federation, union_a):
    event = symposium(staff_user, federation, places=2)
    a, b, c = (person(union_a, name=n) for n in ("甲", "乙", "丙"))
    first = events.invite(actor=staff_user, event=event, model_worker=a)
    events.invite(actor=staff_user, event=event, model_worker=b)
    with pytest.raises(ValidationError) as e:
        events.invite(actor=staff_user, event=event, model_worker=c)
    assert e.value.messages == ["劳模座谈会名额已满（2个名额），没有空余名额了。可改为列入候补名单。"]
    waiting = events.invite(actor=staff_user, event=event, model_worker=c, waiting=True)
    with pytest.raises(ValidationError) as e:
        events.invite(actor=staff_user, event=event, model_worker=c)
    assert e.value.messages == ["丙已受邀参加本次活动。"]
    promoted = events.answer(actor=staff_user, invitation=first, accepted=False)
    assert [p.pk for p in promoted] == [waiting.pk]
    event.refresh_from_db()
    assert event.taken == 2
    assert dict(EventInvitation.objects.values_list("model_worker__name", "state")) == {
        "甲": "declined",
        "乙": "invited",
        "丙": "invited",
    }
    second = EventInvitation.objects.get(model_worker=b)
    events.record_attendance(actor=staff_user, invitation=second, attended=True)
    second.refresh_from_db()
    assert second.state == InvitationState.ATTENDED
    assert AuditEntry.objects.filter(object_type="care.eventinvitation", action=AuditAction.UPDATE).count() == 3


def test_attendance_waits_for_the_day_and_the_database_refuses_more_than_the_places(staff_user, federation, union_a):
    event = symposium(staff_user, federation, places=1, on=dt.date(2100, 4, 26))
    inv = events.invite(actor=staff_user, event=event, model_worker=person(union_a))
    with pytest.raises(ValidationError) as e:
        events.record_attendance(actor=staff_user, invitation=inv, attended=True)
    assert e.value.messages == ["活动尚未举行（2100-04-26）。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(taken=2)
    with pytest.raises(ValidationError) as e:
        events.change_event(
            actor=staff_user,
            event=event,
            data={
                "kind": "symposium",
                "title": "劳模座谈会",
                "starts_on": event.starts_on,
                "place": "会议室",
                "capacity": 0,
                "topic": TOPIC,
            },
        )
    assert e.value.message_dict == {"capacity": ["请填写名额（至少1个）。"]}


def test_more_places_move_the_waiting_list_up(staff_user, federation, union_a):
    event = outing(staff_user, federation, places=1)
    events.invite(actor=staff_user, event=event, model_worker=person(union_a, name="甲"))
    later = events.invite(actor=staff_user, event=event, model_worker=person(union_a, name="乙"), waiting=True)
    data = {"kind": "outing", "title": "古运河一日游", "starts_on": event.starts_on, "place": "清名桥", "capacity": 2}
    events.change_event(actor=staff_user, event=event, data=data)
    later.refresh_from_db()
    event.refresh_from_db()
    assert (later.state, event.taken, event.place) == ("invited", 2, "清名桥")


def test_minutes_only_for_a_symposium_after_it(staff_user, federation):
    event = symposium(staff_user, federation)
    events.record_minutes(actor=staff_user, event=event, minutes="劳模代表发言，交流工匠精神。")
    event.refresh_from_db()
    assert event.minutes == "劳模代表发言，交流工匠精神。"
    with pytest.raises(ValidationError) as e:
        events.record_minutes(actor=staff_user, event=outing(staff_user, federation), minutes="无")
    assert e.value.messages == ["只有座谈会有会议纪要。"]
    later = symposium(staff_user, federation, on=dt.date(2100, 1, 1))
    with pytest.raises(ValidationError) as e:
        events.record_minutes(actor=staff_user, event=later, minutes="无")
    assert e.value.messages == ["会议纪要在座谈会之后记录（2100-01-01）。"]


# --- Scope --------------------------------------------------------------------------------------


def test_a_union_organises_for_its_own_people_and_sees_its_own_events_only(
    staff_user, union_user, federation, union_a, union_b
):
    ours = outing(union_user, union_a, title="教育工会劳模联谊")
    assert ours.organiser_id == union_a.pk
    with pytest.raises(PermissionDenied):
        outing(union_user, union_b)
    with pytest.raises(PermissionDenied):
        outing(union_user, federation)
    with pytest.raises(ValidationError) as e:
        events.invite(actor=staff_user, event=ours, model_worker=person(union_b, name="外会"))
    assert e.value.messages == ["外会不是梁溪区教育工会的劳模。"]
    fed = symposium(staff_user, federation)
    with pytest.raises(PermissionDenied):
        events.invite(actor=union_user, event=fed, model_worker=person(union_a, name="本会"))
    events.invite(actor=union_user, event=ours, model_worker=person(union_a, name="本会2"))
    assert [e.pk for e in event_selectors.events(union_user)] == [ours.pk]
    assert sorted(e.pk for e in event_selectors.events(staff_user)) == sorted([ours.pk, fed.pk])


def test_another_unions_event_is_a_404(client, staff_user, union_user, federation, union_b, union_a):
    fed = symposium(staff_user, federation)
    theirs = outing(staff_user, union_b)
    client.force_login(union_user)
    assert client.get(reverse("care:event", args=[fed.pk])).status_code == 404
    assert client.get(reverse("care:event", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("care:event_edit", args=[theirs.pk])).status_code == 404


# --- Photos -------------------------------------------------------------------------------------


def test_photos_are_private_checked_audited_and_archived_not_deleted(
    client, staff_user, union_user, federation, union_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = symposium(staff_user, federation)
    with pytest.raises(ValidationError) as e:
        events.add_photo(actor=staff_user, event=event, upload=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4"))
    assert e.value.messages == ["请上传图片（JPEG或PNG）。"]
    with pytest.raises(ValidationError) as e:
        events.add_photo(actor=staff_user, event=event, upload=SimpleUploadedFile("假图.png", b"<html>"))
    assert e.value.messages == ["“假图.png”的内容并不是 PNG 文件，请上传真实的文件。"]
    photo = events.add_photo(actor=staff_user, event=event, upload=SimpleUploadedFile("合影.png", PNG), caption="合影")
    assert photo.file.name.startswith("care-events/")
    assert photo.size == len(PNG)
    assert str(tmp_path) in photo.file.path
    client.force_login(staff_user)
    response = client.get(reverse("care:event_photo", args=[photo.pk]))
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200,
        "image/png",
        "private, no-store",
    )
    assert b"".join(response.streaming_content) == PNG
    assert AuditEntry.objects.filter(object_type="care.eventphoto", action=AuditAction.EXPORT).count() == 1
    client.force_login(union_user)
    assert client.get(reverse("care:event_photo", args=[photo.pk])).status_code == 404
    events.archive_photo(actor=staff_user, photo=photo)
    assert EventPhoto.objects.filter(pk=photo.pk, archived_at__isnull=False).count() == 1
    assert list(event.photos.filter(archived_at__isnull=True)) == []


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_user", "codes"),
    [
        ("admin_user", (200, 200, 200, 200)),
        ("staff_user", (200, 200, 200, 200)),
        ("union_user", (200, 200, 404, 404)),
        ("auditor_user", (200, 403, 200, 403)),
        ("leader_user", (403, 403, 403, 403)),
        ("worker_user", (403, 403, 403, 403)),
    ],
)
def test_who_opens_which_event_page(client, request, staff_user, federation, role_user, codes):
    event = symposium(staff_user, federation)
    client.force_login(request.getfixturevalue(role_user))
    urls = [
        reverse("care:events"),
        reverse("care:event_create"),
        reverse("care:event", args=[event.pk]),
        reverse("care:event_edit", args=[event.pk]),
    ]
    assert tuple(client.get(u).status_code for u in urls) == codes


def test_the_pages_create_invite_through_the_picker_answer_attend_and_record_minutes(
    client, staff_user, federation, union_a
):
    client.force_login(staff_user)
    response = client.post(
        reverse("care:event_create"),
        {
            "kind": "symposium",
            "title": "劳模座谈会",
            "starts_on": "2016-04-26",
            "place": "区总工会",
            "capacity": "1",
            "topic": TOPIC,
        },
    )
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    a, b = person(union_a, name="王师傅"), person(union_a, name="李师傅")
    page = client.get(reverse("care:event", args=[event.pk]) + "?q=王").content.decode()
    assert "王师傅" in page
    assert "李师傅" not in page
    page = client.post(reverse("care:event_invite", args=[event.pk]), {"person": [a.pk, b.pk]}, follow=True)
    text = page.content.decode()
    assert "劳模座谈会名额已满（1个名额），没有空余名额了。可改为列入候补名单。" in text
    assert "已邀请：王师傅。" in text
    client.post(reverse("care:event_invite", args=[event.pk]), {"person": [b.pk], "waiting": "1"})
    first = EventInvitation.objects.get(model_worker=a)
    text = client.post(reverse("care:event_answer", args=[first.pk]), {"answer": "decline"}, follow=True)
    assert "空出的名额已递补给候补的李师傅。" in text.content.decode()
    second = EventInvitation.objects.get(model_worker=b)
    client.post(reverse("care:event_attendance", args=[second.pk]), {"attended": "yes"})
    client.post(reverse("care:event_minutes", args=[event.pk]), {"minutes": "交流发言"})
    event.refresh_from_db()
    second.refresh_from_db()
    assert (second.state, event.minutes, event.taken) == ("attended", "交流发言", 1)


@pytest.mark.parametrize("rows", [1, 8])
def test_the_event_pages_make_a_fixed_number_of_queries(
    client, staff_user, federation, union_a, rows, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = symposium(staff_user, federation, places=20)
    for i in range(rows):
        events.invite(actor=staff_user, event=event, model_worker=person(union_a, name=f"劳模{i}"))
        person(union_a, name=f"待邀{i}")
        outing(staff_user, federation, title=f"一日游{i}")
        events.add_photo(actor=staff_user, event=event, upload=SimpleUploadedFile(f"{i}.png", PNG))
    events.invite(actor=staff_user, event=event, model_worker=person(union_a, name="候补"), waiting=True)
    client.force_login(staff_user)
    client.get(reverse("care:events"))  # the session and the user, once
    expected = {
        reverse("care:events"): 5,
        reverse("care:events") + "?year=2016&kind=outing": 5,
        reverse("care:event", args=[event.pk]): 12,
        reverse("care:event_edit", args=[event.pk]): 4,
    }
    found = {}
    for url in expected:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        found[url] = len(ctx.captured_queries)
    assert found == expected


# --- The year and the profile ----------------------------------------------------------------


def attended(event, people, actor):
    for p in people:
        inv = events.invite(actor=actor, event=event, model_worker=p)
        events.record_attendance(actor=actor, invitation=inv, attended=True)


def test_the_year_states_the_events_in_the_articles_words(client, staff_user, union_user, federation, union_a, union_b):
    people = [person(union_a, name=f"劳模{i}") for i in range(3)]
    others = [person(union_b, name=f"外会{i}") for i in range(2)]
    attended(symposium(staff_user, federation, title=TOPIC), people[:2] + others[:1], staff_user)
    attended(outing(staff_user, federation, places=5), people + others, staff_user)
    attended(outing(union_user, union_a, title="教育工会劳模联谊"), people[:1], union_user)
    data = care_year(2016)
    assert sentences(data) == [
        "4月下旬召开“弘扬'工匠精神'，当好时代劳模”座谈会，3名劳模参加。",
        "5月中旬组织5名劳模开展古运河一日游。",
        "基层工会举办一日游活动一场，劳模参加1人次。",
    ]
    assert (data.events_by_kind["outing"].events, data.events_by_kind["outing"].attended) == (2, 6)
    mine = care_year(2016, unions=[union_a.pk])
    assert (mine.events_invited, mine.events_attended) == (6, 6)
    client.force_login(staff_user)
    client.get(reverse("care:year"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("care:year") + "?year=2016").content.decode()
    assert len(ctx.captured_queries) == 11
    assert "5月中旬组织5名劳模开展古运河一日游。" in page
    response = client.get(reverse("care:year_export") + "?year=2016")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert ["一日游：已参加", 6] in rows
    assert ["座谈会：活动", 1] in rows
    assert client.get(reverse("care:year_chart") + "?year=2016").status_code == 200


def test_the_profile_lists_a_persons_events(client, staff_user, union_user, federation, union_a):
    worker = person(union_a, name="陈师傅")
    attended(symposium(staff_user, federation, title=TOPIC), [worker], staff_user)
    ours = outing(union_user, union_a, title="教育工会劳模联谊")
    events.invite(actor=union_user, event=ours, model_worker=worker)
    client.force_login(union_user)
    section = client.get(reverse("care:person", args=[worker.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "弘扬'工匠精神'，当好时代劳模" in section or "弘扬&#x27;工匠精神&#x27;，当好时代劳模" in section
    assert f'href="{ours.get_absolute_url()}"' in section
    assert "/care/events/" + str(ours.pk - 1) + "/" not in section


# --- The demo ------------------------------------------------------------------------------------


def test_the_demo_plays_2016_and_every_year_since_with_the_living_titled_people_only(federation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    union = OrganisationFactory(name=UNION_USER_UNION, short_name="教育工会", code="LX-EDU", parent=federation)
    living = [person(union, name=f"劳模{i}") for i in range(3)]
    dead = person(union, name="已故", status=Status.DECEASED, died_on=dt.date(2015, 3, 1))
    untitled = ModelWorkerFactory(union=union, name="无称号")
    assert play_events(today=dt.date(2018, 6, 1)) == 9
    assert play_events(today=dt.date(2018, 6, 1)) == 0  # once
    rows = list(Event.objects.order_by("starts_on").values_list("starts_on", "kind", "organiser_id", "taken"))
    assert rows[:3] == [
        (dt.date(2016, 4, 26), "symposium", federation.pk, 3),
        (dt.date(2016, 5, 18), "outing", federation.pk, 3),
        (dt.date(2016, 9, 23), "gathering", union.pk, 3),
    ]
    assert [r[0] for r in rows[3:]] == [
        dt.date(2017, 4, 24),
        dt.date(2017, 9, 22),
        dt.date(2017, 10, 16),
        dt.date(2018, 4, 24),
        dt.date(2018, 9, 22),
        dt.date(2018, 10, 16),
    ]
    invited = set(EventInvitation.objects.values_list("model_worker_id", flat=True))
    assert invited == {p.pk for p in living}
    assert dead.pk not in invited
    assert untitled.pk not in invited
    after = EventInvitation.objects.filter(event__starts_on__gt=dt.date(2018, 6, 1))
    assert set(after.values_list("state", flat=True)) == {"invited"}
    assert sentences(care_year(2016))[:2] == [
        "4月下旬召开“弘扬'工匠精神'，当好时代劳模”座谈会，3名劳模参加。",
        "5月中旬组织3名劳模开展古运河一日游。",
    ]
    assert Event.objects.get(starts_on=dt.date(2016, 4, 26)).minutes.startswith("区总工会主席主持座谈会。3名劳模代表")
    assert EventPhoto.objects.count() == 3


# --- Two staff at once (PostgreSQL, real threads and connections) ---------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_taking_an_events_last_place_at_once_one_gets_it_the_other_is_told(
    make_user, staff_user, federation, union_a
):
    other_staff = make_user(Role.FEDERATION_STAFF, username="staff2")
    event = events.create_event(
        actor=staff_user,
        organiser=federation,
        data={
            "kind": EventKind.OUTING,
            "title": "古运河一日游",
            "starts_on": dt.date(2016, 5, 18),
            "place": "清名桥",
            "capacity": 2,
        },
    )
    events.invite(actor=staff_user, event=event, model_worker=person(union_a, name="甲"))
    a, b = person(union_a, name="丙"), person(union_a, name="丁")
    results = together(
        lambda: events.invite(actor=staff_user, event=event, model_worker=a),
        lambda: events.invite(actor=other_staff, event=event, model_worker=b),
    )
    made = [r for r in results if isinstance(r, EventInvitation)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(made), len(refused)) == (1, 1), results
    assert refused[0].messages == ["古运河一日游名额已满（2个名额），没有空余名额了。可改为列入候补名单。"]
    event.refresh_from_db()
    assert (event.taken, event.capacity) == (2, 2)
    assert EventInvitation.objects.filter(event=event, state=InvitationState.INVITED).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_invitations_at_once_fill_an_events_places_and_no_more(staff_user, federation, union_a):
    event = events.create_event(
        actor=staff_user,
        organiser=federation,
        data={
            "kind": EventKind.GATHERING,
            "title": "劳模联谊",
            "starts_on": dt.date(2016, 9, 23),
            "place": "会堂",
            "capacity": 4,
        },
    )
    people = [person(union_a, name=f"并发{i}") for i in range(10)]
    results = together(*[lambda p=p: events.invite(actor=staff_user, event=event, model_worker=p) for p in people])
    assert sum(isinstance(r, EventInvitation) for r in results) == 4, results
    assert sum(isinstance(r, ValidationError) for r in results) == 6
    assert Event.objects.get(pk=event.pk).taken == 4
    assert EventInvitation.objects.filter(event=event).count() == 4
