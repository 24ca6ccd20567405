"""Hardship counted as of any date, from the spells in hardship."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.models import Organisation
from gongjiang.archive import services
from gongjiang.archive.enums import Level
from gongjiang.reports import stats
from tests.factories import ModelWorkerFactory


def in_hardship(actor, worker, opened, closed=None, reopened=None):
    file = services.save_hardship_file(
        actor=actor, worker=worker, data={"is_active": True, "category": "general", "established_on": opened}
    )
    if closed:
        services.close_hardship_file(actor=actor, file=file, ended_on=closed, reason="收入改善")
    if reopened:
        services.save_hardship_file(actor=actor, worker=worker, data={"is_active": True}, entered_on=reopened)


def test_a_past_date_counts_the_people_whose_spell_covered_it(staff_user, union_a):
    # Honoured in 2010 (the factory's honour), so all three are in the archive from then on.
    a, b, c = (ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL) for _ in range(3))
    in_hardship(staff_user, a, dt.date(2012, 1, 1))
    in_hardship(staff_user, b, dt.date(2014, 6, 1), closed=dt.date(2016, 1, 1), reopened=dt.date(2019, 3, 1))
    in_hardship(staff_user, c, dt.date(2016, 1, 1), closed=dt.date(2018, 1, 1))
    assert stats.dashboard(staff_user, dt.date(2011, 12, 31)).in_hardship == 0
    assert stats.dashboard(staff_user, dt.date(2015, 1, 1)).in_hardship == 2
    # The day a spell ends the person has left; the day one starts they are in.
    assert stats.dashboard(staff_user, dt.date(2016, 1, 1)).in_hardship == 2
    assert stats.dashboard(staff_user, dt.date(2017, 6, 30)).in_hardship == 2
    assert stats.dashboard(staff_user, dt.date(2018, 6, 30)).in_hardship == 1
    assert stats.dashboard(staff_user, dt.date(2020, 1, 1)).in_hardship == 2
    assert stats.dashboard(staff_user).in_hardship == 2
    assert stats.api_summary(staff_user, dt.date(2015, 1, 1))["in_hardship"] == 2


def test_people_not_yet_honoured_then_are_not_counted_and_union_staff_see_their_own(
    staff_user, union_user, union_a, union_b
):
    mine = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    theirs = ModelWorkerFactory(union=union_b, with_level=Level.MUNICIPAL)
    in_hardship(staff_user, mine, dt.date(2005, 1, 1))
    in_hardship(staff_user, theirs, dt.date(2012, 1, 1))
    assert stats.dashboard(staff_user, dt.date(2008, 1, 1)).in_hardship == 0  # honoured in 2010
    assert stats.dashboard(staff_user, dt.date(2013, 1, 1)).in_hardship == 2
    assert stats.dashboard(union_user, dt.date(2013, 1, 1)).in_hardship == 1


def test_the_dashboard_shows_the_past_hardship_count(client_for, staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL)
    in_hardship(staff_user, worker, dt.date(2012, 1, 1), closed=dt.date(2020, 1, 1))
    html = client_for(staff_user).get("/reports/?as_of=2015-01-01").content.decode()
    assert '<div class="label">困难劳模</div><div class="value">1</div>' in html
    html = client_for(staff_user).get("/reports/").content.decode()
    assert '<div class="label">困难劳模</div><div class="value">0</div>' in html


def test_the_dashboard_for_a_past_date_makes_a_fixed_number_of_queries(client_for, staff_user, federation):
    client = client_for(staff_user)
    unions = [
        Organisation.objects.create(
            name=f"工会{i}", code=f"U{i}", kind="grassroots", parent=federation, path=f"{federation.path}{i}/"
        )
        for i in range(3)
    ]
    first = ModelWorkerFactory(union=unions[0], with_level=Level.NATIONAL)
    in_hardship(staff_user, first, dt.date(2012, 1, 1))
    url = "/reports/?as_of=2015-01-01"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(20):
        worker = ModelWorkerFactory(union=unions[i % 3], with_level=Level(1 + i % 4))
        in_hardship(staff_user, worker, dt.date(2011 + i % 6, 1, 1), closed=dt.date(2016, 1, 1) if i % 2 else None)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert stats.dashboard(staff_user, dt.date(2015, 1, 1)).in_hardship == 21 - 3  # three entered hardship only in 2016
    assert len(few.captured_queries) == len(many.captured_queries) == 7  # and the overdue needs the user holds
