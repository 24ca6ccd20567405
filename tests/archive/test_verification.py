"""Issue 10, item 4: what a grassroots union is told must not depend on records outside its
scope. Its records wait (待核实) until the federation confirms them; a clash with a record it
cannot see is resolved there, and is a security event the admin sees."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongjiang.accounts.enums import AuditAction, SecurityEventKind
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import selectors, services
from gongjiang.archive.enums import HonourKind, Level, Status, Verification
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import entitlement
from gongjiang.core.masking import mask_id_number
from gongjiang.reports import stats
from gongjiang.rosters.models import ImportRow
from tests.api.conftest import ApiClient, token_for
from tests.benefits.conftest import allowance_scheme
from tests.factories import ModelWorkerFactory
from tests.rosters.conftest import Importer, idn, xlsx

BIRTH = (1970, 1, 1)


def hidden_clashes():
    return list(
        AuditEntry.objects.filter(action=AuditAction.SECURITY, detail__kind=SecurityEventKind.HIDDEN_CLASH)
        .order_by("id")
        .values_list("detail__held_by", flat=True)
    )


def _same(text: str, number: str) -> str:
    """What a union's answer says, with the number it sent taken out."""
    return text.replace(number, "<n>").replace(mask_id_number(number), "<masked>").replace(number[-4:], "<last4>")


def test_the_oracle_attack_gets_the_same_answer_for_another_unions_number_and_a_new_one(client, union_user, union_b):
    """Each channel is played twice, with a number that a record of another union holds and with
    a number nobody holds: the answers are the same but for the number itself."""
    secret = {
        seq: ModelWorkerFactory(union=union_b, name="外会秘密", id_number=idn(BIRTH, seq=seq)) for seq in (1, 5, 9)
    }
    new = {seq: idn(BIRTH, seq=seq) for seq in (3, 7, 11)}

    # A roster, one file per number.
    importer = Importer(union_user, None)
    seen = []
    for number in (secret[1].id_number, new[3]):
        ri = importer.preview(xlsx([["姓名", "身份证号", "荣誉称号"], ["王小明", number, "2015年市劳模"]]))
        rows = [
            (r.action, r.problems, {k: v for k, v in r.changes.items() if k != "id_number"})
            for r in ImportRow.objects.filter(roster_import=ri)
        ]
        client.force_login(union_user)
        page = client.get(f"/rosters/{ri.pk}/?show=new").content.decode()
        assert [text for text in ("外会秘密", union_b.name) if text in page] == []
        ri = importer.apply(ri)
        created = ModelWorker.objects.get(id_number=number, union=union_user.organisation)
        history = [(e.action, sorted(e.changes)) for e in selectors.history_for(created)]
        seen.append((ri.status, ri.counts, rows, created.verification, history))
    assert seen[0] == seen[1]
    assert seen[0][3] == Verification.PENDING

    # The API, one POST per number.
    api = ApiClient(client, token_for(union_user))
    answers = []
    for number in (secret[5].id_number, new[7]):
        response = api.post(
            "/model-workers", {"name": "李小红", "union": union_user.organisation_id, "id_number": number}
        )
        body = response.json()
        body.pop("id")
        answers.append((response.status_code, _same(str(body), number)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 201
    assert "'verification': 'pending'" in answers[0][1]

    # The web form, one record per number.
    pages = []
    client.force_login(union_user)
    for number in (secret[9].id_number, new[11]):
        response = client.post(
            reverse("archive:create"),
            {
                "name": "赵小兰",
                "id_number": number,
                "ethnicity": "01",
                "union": union_user.organisation_id,
                "status": Status.WORKING,
            },
            follow=True,
        )
        alerts = [line for line in response.content.decode().splitlines() if 'class="alert' in line]
        pages.append((response.status_code, [str(m) for m in response.context["messages"]], alerts))
    assert pages[0] == pages[1]
    assert pages[0][1] == ["赵小兰 的档案已提交，待区总工会核实。"]

    # Each hidden clash, and only those, is a security event for the admin.
    assert hidden_clashes() == [[secret[1].pk], [secret[5].pk], [secret[9].pk]]


def test_a_unions_record_counts_nowhere_until_the_federation_confirms_it(staff_user, union_user, union_a):
    submitted = services.create_model_worker(
        actor=union_user,
        data={
            "name": "钱报送",
            "id_number": idn((1950, 2, 2)),
            "union": union_a,
            "status": Status.RETIRED,
            "retired_on": dt.date(2010, 3, 1),
        },
    )
    services.add_honour(
        actor=union_user,
        worker=submitted,
        data={"title": "市劳模", "kind": HonourKind.MODEL_WORKER, "level": Level.MUNICIPAL, "year": 2001},
    )
    assert submitted.verification == Verification.PENDING
    # Not in today's counts, nor in a past date's, nor among those treatment is paid to.
    for user in (union_user, staff_user):
        assert stats.dashboard(user).headline.municipal == 0
        assert stats.dashboard(user, as_of=dt.date(2020, 1, 1)).headline.municipal == 0

    scheme = allowance_scheme(staff_user)
    assert submitted.pk not in set(entitlement.candidates(scheme).values_list("pk", flat=True))
    facts = entitlement.load_facts([submitted.pk])[submitted.pk]
    assert facts.verified is False

    services.confirm_model_worker(actor=staff_user, worker=submitted)
    submitted.refresh_from_db()
    assert submitted.verification == Verification.CONFIRMED
    for user in (union_user, staff_user):
        assert stats.dashboard(user).headline.municipal == 1
        assert stats.dashboard(user, as_of=dt.date(2020, 1, 1)).headline.municipal == 1
    assert submitted.pk in set(entitlement.candidates(scheme).values_list("pk", flat=True))
    entry = AuditEntry.objects.get(action=AuditAction.CONFIRM)
    assert (entry.model_worker_id, entry.changes) == (submitted.pk, {"verification": ["pending", "confirmed"]})
    # The federation's own records are verified from the start.
    own = services.create_model_worker(
        actor=staff_user, data={"name": "孙直录", "id_number": idn((1951, 3, 3)), "union": union_a}
    )
    assert own.verification == Verification.CONFIRMED


def test_the_federation_resolves_a_hidden_clash_by_merging_or_rejecting(
    client_for, staff_user, union_user, union_a, union_b
):
    theirs = ModelWorkerFactory(union=union_b, name="周原档")
    clash = services.create_model_worker(
        actor=union_user, data={"name": "周报送", "id_number": theirs.id_number, "union": union_a}
    )
    plain = services.create_model_worker(
        actor=union_user, data={"name": "吴报送", "id_number": idn((1966, 6, 6)), "union": union_a}
    )
    # The queue: for the federation only, in a fixed number of queries, the clash shown there.
    assert client_for(union_user).get(reverse("archive:pending")).status_code == 403
    client = client_for(staff_user)
    page = client.get(reverse("archive:pending"))
    assert [(w.pk, h.pk if h else None) for w, h in page.context["rows"]] == [(clash.pk, theirs.pk), (plain.pk, None)]
    assert "周原档" in page.content.decode()
    # A record whose number a verified record holds cannot be confirmed: merge or reject.
    response = client.post(reverse("archive:verify", args=[clash.pk]), follow=True)
    assert f"记录号 {theirs.pk}" in response.content.decode() or f"档案 {theirs.pk}" in response.content.decode()
    clash.refresh_from_db()
    assert clash.verification == Verification.PENDING
    client.post(reverse("rosters:merge"), {"keep": theirs.pk, "other": clash.pk})
    clash.refresh_from_db()
    assert (clash.merged_into_id, clash.is_archived) == (theirs.pk, True)
    # Rejecting needs a reason; the record stays, archived, with the reason the union reads.
    client.post(reverse("archive:verify", args=[plain.pk]), {"reject": "1", "reason": ""})
    plain.refresh_from_db()
    assert plain.verification == Verification.PENDING
    client.post(reverse("archive:verify", args=[plain.pk]), {"reject": "1", "reason": "荣誉证书无法核实"})
    plain.refresh_from_db()
    assert (plain.verification, plain.archive_reason, plain.is_archived) == (
        Verification.REJECTED,
        "荣誉证书无法核实",
        True,
    )
    assert [w.pk for w, _h in client.get(reverse("archive:pending")).context["rows"]] == []


def test_the_queue_makes_a_fixed_number_of_queries(client_for, staff_user, union_user, union_a, union_b):

    client = client_for(staff_user)
    client.get(reverse("archive:pending"))  # the session's first request loads what later ones reuse

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("archive:pending")).status_code == 200
        return len(ctx.captured_queries)

    services.create_model_worker(
        actor=union_user, data={"name": "甲一", "id_number": idn((1960, 1, 1)), "union": union_a}
    )
    one = count()
    for seq in range(3, 40, 2):
        theirs = ModelWorkerFactory(union=union_b, id_number=idn((1961, 1, 1), seq=seq))
        services.create_model_worker(
            actor=union_user, data={"name": "乙二", "id_number": theirs.id_number, "union": union_a}
        )
    assert count() == one


def test_a_union_giving_a_record_a_new_id_number_sends_it_back_for_verification(union_user, union_a, union_b):
    mine = ModelWorkerFactory(union=union_a, id_number=None)
    theirs = ModelWorkerFactory(union=union_b)
    services.update_model_worker(actor=union_user, worker=mine, data={"id_number": theirs.id_number})
    mine.refresh_from_db()
    assert (mine.id_number, mine.verification) == (theirs.id_number, Verification.PENDING)
    assert hidden_clashes() == [[theirs.pk]]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, model_worker_id=mine.pk)
    assert entry.changes["verification"] == ["confirmed", "pending"]


def test_a_union_upload_over_the_row_limit_is_refused_with_a_reason(settings, union_user, staff_user, union_a):
    settings.GONGJIANG = {**settings.GONGJIANG, "ROSTER_SCOPED_MAX_ROWS": 3}
    rows = [["姓名", "身份证号"], *[[f"人{i}", idn((1960, 1, 1), seq=2 * i + 1)] for i in range(4)]]
    ri = Importer(union_user, None).preview(xlsx(rows))
    assert (ri.status, ri.message) == (
        "failed",
        "基层工会每次最多导入 3 行，此文件有 4 行。请拆分为较小的文件，或请区总工会导入。",
    )
    assert ImportRow.objects.filter(roster_import=ri).count() == 0
    # The federation is not limited.
    assert Importer(staff_user, union_a).preview(xlsx(rows)).status == "parsed"


@pytest.mark.postgres
def test_postgresql_allows_a_pending_duplicate_but_not_two_verified_records(union_a):

    held = ModelWorkerFactory(union=union_a)
    ModelWorkerFactory(union=union_a, id_number=held.id_number, verification=Verification.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelWorkerFactory(union=union_a, id_number=held.id_number)
