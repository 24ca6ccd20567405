"""Issue 10, item 6: reads of personal data and refused requests leave a trace, and the admin
(and the auditor, who reads the log) has a 安全事件 page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongjiang.accounts import audit
from gongjiang.accounts.enums import AuditAction, SecurityEventKind
from gongjiang.accounts.models import AuditEntry
from gongjiang.api.models import ApiToken
from gongjiang.archive import services as archive_services
from gongjiang.archive.enums import Level
from gongjiang.archive.selectors import history_for
from gongjiang.benefits import services as benefit_services
from tests.api.conftest import ApiClient, token_for
from tests.benefits.conftest import allowance_scheme, retiree
from tests.factories import ModelWorkerFactory
from tests.rosters.conftest import Importer, idn, xlsx


def reads():
    return list(
        AuditEntry.objects.filter(action=AuditAction.READ)
        .order_by("id")
        .values_list("object_type", "model_worker_id", "detail__rows", "detail__filters", "via")
    )


def test_each_api_read_of_personal_data_is_one_entry_naming_the_filter_and_the_row_count(client, staff_user, union_a):
    people = [ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL) for _ in range(3)]
    retired = retiree(union_a, actor=staff_user)
    scheme = allowance_scheme(staff_user)
    batch = benefit_services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 11, 1))
    api = ApiClient(client, token_for(staff_user))
    assert reads() == []
    assert api.get("/model-workers?level=1&limit=2").status_code == 200
    assert api.get(f"/model-workers/{people[0].pk}").status_code == 200
    assert api.get(f"/model-workers/{retired.pk}/treatment").status_code == 200
    assert api.get(f"/batches/{batch.pk}/lines").status_code == 200
    assert api.get("/ledger").status_code == 200
    assert reads() == [
        ("archive.modelworker", None, 2, "level=1&limit=2", "api"),
        ("archive.modelworker", people[0].pk, 1, "", "api"),
        ("benefits.treatment", retired.pk, 1, "", "api"),
        ("benefits.batchline", None, 1, "", "api"),
        ("benefits.ledgerentry", None, 0, "", "api"),
    ]
    # The token is named in each; the person's own history (the profile) lists changes only.

    token = ApiToken.objects.get(user=staff_user)
    assert set(AuditEntry.objects.filter(action=AuditAction.READ).values_list("detail__token", flat=True)) == {token.pk}

    assert AuditAction.READ not in [e.action for e in history_for(people[0])]


def test_the_pages_log_their_reads_too(client_for, staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a, name="张页")
    client = client_for(staff_user)
    client.get(reverse("archive:list") + "?q=张")
    client.get(reverse("archive:detail", args=[worker.pk]))
    client.get(reverse("benefits:person", args=[worker.pk]))

    ri = Importer(staff_user, union_a).preview(xlsx([["姓名", "身份证号"], ["钱一", idn((1960, 1, 1))]]))
    client.get(f"/rosters/{ri.pk}/?show=new")
    assert reads() == [
        ("archive.modelworker", None, 1, "q=张", "web"),
        ("archive.modelworker", worker.pk, 1, "", "web"),
        ("benefits.treatment", worker.pk, 1, "", "web"),
        ("rosters.importrow", None, 1, "show=new", "web"),
    ]


def test_refused_requests_are_on_record_pages_and_api_alike(client, client_for, union_user, union_b):
    theirs = ModelWorkerFactory(union=union_b)
    api = ApiClient(client, token_for(union_user))
    assert api.get(f"/model-workers/{theirs.pk}").status_code == 404
    assert api.get("/ledger").status_code == 403
    web = client_for(union_user)
    assert web.get(reverse("archive:edit", args=[theirs.pk])).status_code == 404
    assert web.get(reverse("accounts:audit_log")).status_code == 403
    refused = list(
        AuditEntry.objects.filter(action=AuditAction.REFUSED)
        .order_by("id")
        .values_list("actor_username", "via", "detail__status", "detail__path")
    )
    assert refused == [
        ("union", "api", 404, f"/api/v1/model-workers/{theirs.pk}"),
        ("union", "api", 403, "/api/v1/ledger"),
        ("union", "web", 404, f"/archive/{theirs.pk}/edit/"),
        ("union", "web", 403, "/accounts/audit/"),
    ]
    # Nothing of the refused record was read.
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()


def _at(moment, **values):
    entry = audit.build(**values)
    entry.at = moment
    entry.save()
    return entry


@pytest.fixture
def events(settings, admin_user, union_user, staff_user, union_a, union_b):
    settings.GONGJIANG = {
        **settings.GONGJIANG,
        "REFUSAL_BURST_COUNT": 3,
        "REFUSAL_BURST_MINUTES": 10,
        "BULK_UNMASKED_ROWS": 500,
    }
    window = timezone.now().replace(minute=21, second=0, microsecond=0) - dt.timedelta(hours=2)
    for i in range(3):  # a burst: three refusals in one ten-minute window
        _at(window + dt.timedelta(minutes=i * 2), actor=union_user, action=AuditAction.REFUSED, detail={"status": 404})
    for i in range(2):  # not a burst: two in another window
        _at(window + dt.timedelta(hours=1, minutes=i), actor=union_user, action=AuditAction.REFUSED)
    _at(window, actor=None, action=AuditAction.LOCKOUT, object_type="accounts.user", object_repr="guess")
    big = {"rows": 800, "unmasked": True, "filters": "全部"}
    _at(window, actor=staff_user, action=AuditAction.EXPORT, object_repr="劳模花名册", detail=big)
    _at(window, actor=staff_user, action=AuditAction.EXPORT, object_repr="劳模花名册", detail={**big, "rows": 20})
    _at(
        window, actor=staff_user, action=AuditAction.EXPORT, object_repr="劳模花名册", detail={**big, "unmasked": False}
    )
    theirs = ModelWorkerFactory(union=union_b)
    submitted = archive_services.create_model_worker(
        actor=union_user, data={"name": "钱探号", "id_number": theirs.id_number, "union": union_a}
    )
    return {"theirs": theirs, "submitted": submitted, "window": window}


def test_the_security_events_page_lists_lockouts_bursts_hidden_clashes_and_bulk_unmasked_exports(
    client_for, admin_user, auditor_user, staff_user, union_user, events
):
    for user in (staff_user, union_user):
        assert client_for(user).get(reverse("accounts:security_events")).status_code == 403
    assert client_for(auditor_user).get(reverse("accounts:security_events")).status_code == 200
    response = client_for(admin_user).get(reverse("accounts:security_events"))
    assert response.status_code == 200
    ctx = response.context
    assert [(b["actor_username"], b["n"]) for b in ctx["bursts"]] == [("union", 3)]
    assert [e.kind for e in ctx["events"]] == [
        SecurityEventKind.HIDDEN_CLASH,
        SecurityEventKind.BULK_UNMASKED_EXPORT,
        SecurityEventKind.LOCKOUT,
    ]
    body = response.content.decode()
    assert "安全事件" in body
    assert f"/archive/{events['theirs'].pk}/" in body
    assert "劳模花名册：800 行，未脱敏" in body
    # One kind at a time.
    only = client_for(admin_user).get(reverse("accounts:security_events") + "?kind=hidden_clash").context
    assert ([e.kind for e in only["events"]], only["bursts"]) == ([SecurityEventKind.HIDDEN_CLASH], [])


def test_the_security_events_page_makes_a_fixed_number_of_queries(client_for, admin_user, union_user, events):
    client = client_for(admin_user)
    url = reverse("accounts:security_events")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        _at(events["window"] + dt.timedelta(days=-1, minutes=i), actor=union_user, action=AuditAction.REFUSED)
        audit.security_event(kind=SecurityEventKind.THROTTLED, actor=union_user, detail={"n": i})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["events"]) == 33
    assert len(few.captured_queries) == len(many.captured_queries)
