import datetime as dt

import pytest

from gongjiang.archive.enums import Level, Status
from gongjiang.care.enums import CampaignKind
from gongjiang.care.services import campaigns
from tests.factories import ModelWorkerFactory


def person(union, *, name="张三", level=Level.MUNICIPAL, status=Status.WORKING, born=dt.date(1960, 5, 1), **kw):
    if status == Status.RETIRED:
        kw.setdefault("retired_on", dt.date(2015, 6, 30))
    return ModelWorkerFactory(union=union, name=name, with_level=level, status=status, birth_date=born, **kw)


def checkup(actor, *, year=2026, places=2, starts=None):
    campaign = campaigns.create_campaign(actor=actor, kind=CampaignKind.CHECKUP, year=year)
    batch = campaigns.add_batch(
        actor=actor,
        campaign=campaign,
        data={
            "name": "第一批",
            "starts_on": starts or dt.date(year, 4, 18),
            "ends_on": None,
            "place": "无锡市第二人民医院体检中心",
            "capacity": places,
        },
    )
    return campaign, batch


@pytest.fixture
def campaign_and_batch(staff_user):
    return checkup(staff_user)
