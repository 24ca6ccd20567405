import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.models import Organisation
from gongjiang.archive import services
from gongjiang.archive.enums import HonourKind, Level, Status
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.reports import stats
from tests.factories import ModelWorkerFactory


def test_each_person_counts_once_at_their_highest_level(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a)
    for level, year in ((Level.MUNICIPAL, 1995), (Level.PROVINCIAL, 2005), (Level.NATIONAL, 2015)):
        services.add_honour(
            actor=staff_user,
            worker=worker,
            data={"title": "劳模", "kind": HonourKind.MODEL_WORKER, "level": level, "year": year},
        )
    data = stats.dashboard(staff_user)
    assert (data.headline.national, data.headline.provincial, data.headline.municipal) == (1, 0, 0)
    assert data.honours_by_year == {1995: {3: 1}, 2005: {2: 1}, 2015: {1: 1}}


def test_counts_as_of_a_past_date_use_the_honours_held_then(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a, status=Status.RETIRED, retired_on=dt.date(2012, 3, 1))
    services.add_honour(
        actor=staff_user,
        worker=worker,
        data={"title": "市劳模", "kind": HonourKind.MODEL_WORKER, "level": Level.MUNICIPAL, "year": 2001},
    )
    national = services.add_honour(
        actor=staff_user,
        worker=worker,
        data={"title": "全国劳模", "kind": HonourKind.MODEL_WORKER, "level": Level.NATIONAL, "year": 2010},
    )
    services.revoke_honour(actor=staff_user, honour=national, revoked_on=dt.date(2020, 6, 1), reason="违纪")
    before_2010 = stats.dashboard(staff_user, dt.date(2009, 12, 31))
    assert (before_2010.headline.national, before_2010.headline.municipal) == (0, 1)
    assert before_2010.by_status[Status.WORKING][Level.MUNICIPAL] == 1
    in_2015 = stats.dashboard(staff_user, dt.date(2015, 1, 1))
    assert (in_2015.headline.national, in_2015.headline.municipal) == (1, 0)
    assert in_2015.by_status[Status.RETIRED][Level.NATIONAL] == 1
    today = stats.dashboard(staff_user)
    assert (today.headline.national, today.headline.municipal) == (0, 1)
    assert stats.dashboard(staff_user, dt.date(2000, 1, 1)).headline.municipal_and_above == 0


def test_as_of_a_past_date_people_first_honoured_later_are_not_yet_counted(staff_user, union_a):
    earlier = ModelWorkerFactory(union=union_a)
    later = ModelWorkerFactory(union=union_a)
    for worker, level, year in (
        (earlier, Level.DISTRICT, 2015),
        (earlier, Level.MUNICIPAL, 2019),
        (later, Level.MUNICIPAL, 2019),
    ):
        services.add_honour(
            actor=staff_user,
            worker=worker,
            data={"title": "劳模", "kind": HonourKind.MODEL_WORKER, "level": level, "year": year},
        )
    in_2016 = stats.dashboard(staff_user, dt.date(2016, 12, 31))
    assert (in_2016.total_records, in_2016.headline.district, in_2016.headline.municipal) == (1, 1, 0)
    assert sum(levels.get(Level.NONE, 0) for levels in in_2016.by_status.values()) == 0
    in_2020 = stats.dashboard(staff_user, dt.date(2020, 1, 1))
    assert (in_2020.total_records, in_2020.headline.municipal) == (2, 2)


def test_archived_people_are_left_out(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL)
    services.archive_model_worker(actor=staff_user, worker=worker, reason="重复")
    data = stats.dashboard(staff_user)
    assert data.headline.national == 0
    assert data.honours_by_year == {}


def test_union_staff_see_their_union_only(union_user, union_a, union_b):
    ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL)
    ModelWorkerFactory(union=union_b, with_level=Level.NATIONAL)
    data = stats.dashboard(union_user)
    assert data.headline.national == 1
    assert [r["union"] for r in data.by_union] == [union_a]
    assert data.honours_by_year == {2010: {1: 1}}


def test_the_chart_is_an_svg_whose_bars_link_to_the_list(client_for, staff_user, union_a):
    ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL)
    response = client_for(staff_user).get("/reports/charts/honours.svg")
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert '<a xlink:href="/archive/?honour_year=2010" target="_top">' in svg
    assert "全国" in svg  # the legend is text, drawn by the browser's Chinese fonts
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_model_workers_and_the_auditor_see_the_right_start_page(client_for, worker_user, auditor_user):
    assert client_for(worker_user).get("/reports/").status_code == 403
    assert client_for(auditor_user).get("/reports/").status_code == 200


def test_the_dashboard_makes_a_fixed_number_of_queries(client_for, staff_user, federation):
    client = client_for(staff_user)
    unions = [
        Organisation.objects.create(
            name=f"工会{i}", code=f"U{i}", kind="grassroots", parent=federation, path=f"{federation.path}{i}/"
        )
        for i in range(3)
    ]
    ModelWorkerFactory(union=unions[0], with_level=Level.NATIONAL)
    client.get("/reports/")
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/")
    for i in range(30):
        worker = ModelWorkerFactory(union=unions[i % 3], with_level=Level(1 + i % 4))
        Honour.objects.create(model_worker=worker, title="x", kind=HonourKind.OTHER, level=4, year=1990 + i)
    with CaptureQueriesContext(connection) as many:
        client.get("/reports/")
    # 6 for the figures, 1 for what waits for the user (overdue needs they hold).
    assert len(few.captured_queries) == len(many.captured_queries) == 7
    assert ModelWorker.objects.count() == 31
