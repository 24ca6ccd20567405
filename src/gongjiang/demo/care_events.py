"""Demo care events: the article's 2016 — the late-April symposium 「弘扬'工匠精神'，当好时代劳模」 (30
model workers, its minutes), a 古运河一日游 (40) and a 劳模联谊 of the education union — and every year
since up to today, smaller. Only people living and holding a model-worker title on the day are
invited; an event after ``today`` has its invitations and no attendance yet.

Inserted in bulk (three statements a year and one for all the invitations), so the demo stays
fast; the places taken are the invitations holding one, as the services keep them.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from gongjiang.accounts.audit import record
from gongjiang.accounts.demo import UNION_USER_UNION
from gongjiang.accounts.enums import AuditAction, OrganisationKind
from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import SYSTEM
from gongjiang.archive.enums import Verification
from gongjiang.archive.models import ModelWorker
from gongjiang.care.enums import HOLDS_PLACE, EventKind, InvitationState
from gongjiang.care.models import Event, EventInvitation
from gongjiang.care.selectors import alive_on, titled_in
from gongjiang.care.services.events import add_photo

TOPIC = "弘扬'工匠精神'，当好时代劳模"
MINUTES = (
    "区总工会主席主持座谈会。{n}名劳模代表结合岗位实际，交流了弘扬工匠精神、立足本职创新创效的体会；"
    "与会劳模对关爱服务提出意见和建议，区总工会逐条记录并明确责任部门跟进落实。"
)
RIVER = "古运河一日游"
RIVER_PLACE = "清名桥历史文化街区、南长街"
HALL = "区总工会三楼会议室"


def _people(day: dt.date, union: Organisation | None = None) -> list[int]:
    """Ids of the verified people alive and titled on ``day`` (of ``union``, when given)."""
    qs = (
        ModelWorker.objects.filter(archived_at__isnull=True, verification=Verification.CONFIRMED)
        .filter(alive_on(day))
        .filter(titled_in(day.year, day))
    )
    if union is not None:
        qs = qs.filter(union=union)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _plan(year: int) -> list[tuple[str, str, str, dt.date, str, int, bool]]:
    """(kind, title, topic, day, place, people, by the federation) for the year."""
    if year == 2016:
        return [
            (EventKind.SYMPOSIUM, "劳模座谈会", TOPIC, dt.date(2016, 4, 26), HALL, 30, True),
            (EventKind.OUTING, RIVER, "", dt.date(2016, 5, 18), RIVER_PLACE, 40, True),
            (EventKind.GATHERING, "劳模联谊", "", dt.date(2016, 9, 23), "梁溪区教师发展中心", 12, False),
        ]
    return [
        (
            EventKind.SYMPOSIUM,
            "劳模座谈会",
            "劳模精神与高质量发展",
            dt.date(year, 4, 24),
            "区总工会三楼会议室",
            15,
            True,
        ),
        (EventKind.OUTING, RIVER, "", dt.date(year, 10, 16), RIVER_PLACE, 20, True),
        (EventKind.GATHERING, "劳模联谊", "", dt.date(year, 9, 22), "梁溪区教师发展中心", 8, False),
    ]


@transaction.atomic
def play_events(*, today: dt.date, seed: int = 2016) -> int:
    """The events from 2016 to ``today``'s year (none again when the demo already has some);
    returns how many were made."""
    if Event.objects.exists() or today.year < 2016:
        return 0
    federation = Organisation.objects.filter(kind=OrganisationKind.FEDERATION).order_by("pk").first()
    union = Organisation.objects.filter(name=UNION_USER_UNION).first()
    if federation is None:
        return 0
    rng = random.Random(seed)
    made: list[tuple[Event, list[int], bool]] = []
    for year in range(2016, today.year + 1):
        for kind, title, topic, day, place, n, by_federation in _plan(year):
            organiser = federation if by_federation or union is None else union
            people = _people(day, None if by_federation else organiser)
            chosen = sorted(rng.sample(people, min(n, len(people))))
            if not chosen:
                continue
            past = day <= today
            event = Event(
                kind=kind,
                title=title,
                topic=topic,
                starts_on=day,
                place=place,
                capacity=n + 5,
                organiser=organiser,
                minutes=MINUTES.format(n=len(chosen)) if kind == EventKind.SYMPOSIUM and past else "",
            )
            made.append((event, chosen, past))
    Event.objects.bulk_create([e for e, _people_ids, _past in made])
    invitations = []
    for event, chosen, past in made:
        # 2016 as the article tells it: everyone invited came. Later years: a few decline or miss it.
        mine = []
        for i, pk in enumerate(chosen):
            if not past:
                state = InvitationState.INVITED
            elif event.starts_on.year == 2016:
                state = InvitationState.ATTENDED
            else:
                missed = (InvitationState.DECLINED, InvitationState.ABSENT)[i % 2]
                state = missed if i % 7 == 6 else InvitationState.ATTENDED
            mine.append(EventInvitation(event=event, model_worker_id=pk, state=state, reason="演示数据"))
        event.taken = sum(inv.state in HOLDS_PLACE for inv in mine)
        invitations += mine
    EventInvitation.objects.bulk_create(invitations, batch_size=2000)
    Event.objects.bulk_update([e for e, _people_ids, _past in made], ["taken"])
    past = [e for e, _people_ids, was in made if was]
    photographed = [e for e in past if e.starts_on.year == 2016 and e.organiser_id == federation.pk]
    photographed += [e for e in past if e.organiser_id != federation.pk][-1:]
    for event in photographed:
        add_photo(actor=SYSTEM, event=event, upload=_photo(f"{event.title}合影.png"), caption=f"{event.title}合影")
    record(
        actor=SYSTEM,
        action=AuditAction.CREATE,
        object_type="care.event",
        object_repr=f"演示数据：{len(made)}场关爱活动",
        detail={"rows": len(made), "invitations": len(invitations)},
    )
    return len(made)


def _photo(name: str) -> SimpleUploadedFile:
    """A small picture standing in for the group photo (the demo has no real ones)."""
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), (178, 34, 34)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
