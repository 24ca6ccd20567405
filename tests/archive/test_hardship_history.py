"""The living hardship file: spells in and out of hardship, the yearly review, the file's history."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services
from gongjiang.archive.enums import Level, ReviewOutcome
from gongjiang.archive.models import HardshipFile, HardshipReview, HardshipSpell, ModelWorker
from gongjiang.core.errors import DomainError
from tests.factories import ModelWorkerFactory

FILE = {"is_active": True, "category": "general", "established_on": dt.date(2020, 3, 1), "monthly_income": 1800}


@pytest.fixture
def mine(union_a):
    return ModelWorkerFactory(name="张三", union=union_a, with_level=Level.MUNICIPAL)


@pytest.fixture
def theirs(union_b):
    return ModelWorkerFactory(name="李四", union=union_b, with_level=Level.MUNICIPAL)


def spells(worker):
    return list(
        HardshipSpell.objects.filter(model_worker=worker)
        .order_by("entered_on")
        .values_list("entered_on", "entry_reason", "left_on", "exit_reason")
    )


def open_file(actor, worker, **extra):
    return services.save_hardship_file(actor=actor, worker=worker, data={**FILE, **extra}, reason="大病致困")


# --- Spells -----------------------------------------------------------------------------------


def test_opening_a_file_opens_a_spell_from_its_opening_date(staff_user, mine):
    open_file(staff_user, mine)
    assert spells(mine) == [(dt.date(2020, 3, 1), "大病致困", None, "")]
    spell = HardshipSpell.objects.get(model_worker=mine)
    assert spell.recorded_by == staff_user
    assert ModelWorker.objects.get(pk=mine.pk).in_hardship is True
    entry = AuditEntry.objects.get(object_type="archive.hardshipspell", action=AuditAction.CREATE)
    assert entry.model_worker_id == mine.pk


def test_closing_ends_the_spell_and_reopening_starts_a_new_one(staff_user, mine):
    file = open_file(staff_user, mine)
    services.close_hardship_file(actor=staff_user, file=file, ended_on=dt.date(2022, 6, 30), reason="收入改善")
    assert spells(mine) == [(dt.date(2020, 3, 1), "大病致困", dt.date(2022, 6, 30), "收入改善")]
    services.save_hardship_file(
        actor=staff_user, worker=mine, data={"is_active": True}, entered_on=dt.date(2024, 1, 5), reason="再次患病"
    )
    assert spells(mine) == [
        (dt.date(2020, 3, 1), "大病致困", dt.date(2022, 6, 30), "收入改善"),
        (dt.date(2024, 1, 5), "再次患病", None, ""),
    ]
    assert ModelWorker.objects.get(pk=mine.pk).in_hardship is True


def test_setting_the_file_out_of_hardship_ends_the_spell_today(staff_user, mine):
    open_file(staff_user, mine)
    services.save_hardship_file(actor=staff_user, worker=mine, data={"is_active": False}, reason="子女就业")
    assert spells(mine) == [(dt.date(2020, 3, 1), "大病致困", timezone.localdate(), "子女就业")]
    assert ModelWorker.objects.get(pk=mine.pk).in_hardship is False


def test_a_new_spell_cannot_start_before_the_last_one_ended(staff_user, mine):
    file = open_file(staff_user, mine)
    services.close_hardship_file(actor=staff_user, file=file, ended_on=dt.date(2022, 6, 30), reason="收入改善")
    with pytest.raises(ValidationError) as e:
        services.save_hardship_file(
            actor=staff_user, worker=mine, data={"is_active": True}, entered_on=dt.date(2022, 1, 1)
        )
    assert e.value.message_dict["entered_on"] == ["上一段困难期于2022-06-30结束，新的困难期不能早于此日开始。"]
    assert len(spells(mine)) == 1
    assert HardshipFile.objects.get(model_worker=mine).is_active is False


def test_the_database_refuses_a_second_open_spell(staff_user, mine):
    open_file(staff_user, mine)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipSpell.objects.create(model_worker=mine, entered_on=dt.date(2021, 1, 1))


def test_correcting_a_spell_is_audited_and_may_not_overlap(staff_user, mine):
    file = open_file(staff_user, mine)
    services.close_hardship_file(actor=staff_user, file=file, ended_on=dt.date(2022, 6, 30), reason="收入改善")
    services.save_hardship_file(actor=staff_user, worker=mine, data={"is_active": True}, entered_on=dt.date(2024, 1, 5))
    first = HardshipSpell.objects.get(model_worker=mine, entered_on=dt.date(2020, 3, 1))
    with pytest.raises(ValidationError) as e:
        services.correct_spell(actor=staff_user, spell=first, data={"left_on": dt.date(2024, 3, 1)}, reason="录错")
    assert e.value.message_dict["entered_on"] == ["这段日期与另一段困难期重叠。"]
    services.correct_spell(actor=staff_user, spell=first, data={"left_on": dt.date(2022, 7, 31)}, reason="录错日期")
    first.refresh_from_db()
    assert first.left_on == dt.date(2022, 7, 31)
    entry = AuditEntry.objects.filter(object_type="archive.hardshipspell", object_id=str(first.pk)).latest("pk")
    assert entry.changes == {"left_on": ["2022-06-30", "2022-07-31"]}
    assert entry.detail["reason"] == "录错日期"
    with pytest.raises(ValidationError) as e:
        services.correct_spell(actor=staff_user, spell=first, data={"left_on": None}, reason="x")
    assert e.value.message_dict["left_on"] == ["请填写日期。"]
    assert HardshipSpell.objects.filter(model_worker=mine).count() == 2


def test_an_open_spell_is_not_ended_by_a_correction(staff_user, mine):
    open_file(staff_user, mine)
    spell = HardshipSpell.objects.get(model_worker=mine)
    with pytest.raises(ValidationError) as e:
        services.correct_spell(actor=staff_user, spell=spell, data={"left_on": dt.date(2023, 1, 1)}, reason="x")
    assert e.value.message_dict["left_on"] == ["这段困难期尚未结束：结束困难档案才能结束它。"]


def test_another_unions_staff_cannot_correct_or_review(union_user, staff_user, theirs):
    open_file(staff_user, theirs)
    spell = HardshipSpell.objects.get(model_worker=theirs)
    with pytest.raises(Exception, match="无权修改"):
        services.correct_spell(actor=union_user, spell=spell, data={"entry_reason": "x"}, reason="x")
    with pytest.raises(Exception, match="无权修改"):
        services.review_hardship_file(
            actor=union_user, worker=theirs, year=2026, reviewed_on=dt.date(2026, 3, 1), outcome="continue"
        )


def test_the_migration_makes_a_spell_for_every_existing_file(staff_user, mine, theirs):
    HardshipFile.objects.create(model_worker=mine, category="general", established_on=dt.date(2019, 5, 1))
    HardshipFile.objects.create(
        model_worker=theirs,
        category="special",
        established_on=dt.date(2015, 2, 1),
        is_active=False,
        ended_on=dt.date(2018, 9, 1),
        end_reason="去世",
    )
    migration = importlib.import_module("gongjiang.archive.migrations.0004_hardship_spells_and_reviews")
    migration.spells_from_files(django_apps, None)
    assert spells(mine) == [(dt.date(2019, 5, 1), "", None, "")]
    assert spells(theirs) == [(dt.date(2015, 2, 1), "", dt.date(2018, 9, 1), "去世")]


# --- The yearly review ------------------------------------------------------------------------


def test_a_review_that_continues_keeps_the_spell_open(union_user, mine):
    open_file(union_user, mine)
    review = services.review_hardship_file(
        actor=union_user, worker=mine, year=2026, reviewed_on=dt.date(2026, 3, 2), outcome=ReviewOutcome.CONTINUE
    )
    assert (review.year, review.outcome, review.reviewed_by) == (2026, "continue", union_user)
    assert spells(mine)[0][2] is None
    with pytest.raises(DomainError) as e:
        services.review_hardship_file(
            actor=union_user, worker=mine, year=2026, reviewed_on=dt.date(2026, 4, 1), outcome="continue"
        )
    assert e.value.message == "该档案2026年度已复核。"


def test_a_review_that_leaves_hardship_closes_the_file_and_the_spell(staff_user, mine):
    open_file(staff_user, mine)
    services.review_hardship_file(
        actor=staff_user,
        worker=mine,
        year=2025,
        reviewed_on=dt.date(2025, 11, 20),
        outcome=ReviewOutcome.LEAVE,
        note="退休金上调",
    )
    file = HardshipFile.objects.get(model_worker=mine)
    assert (file.is_active, file.ended_on, file.end_reason) == (
        False,
        dt.date(2025, 11, 20),
        "2025年度复核：退休金上调",
    )
    assert spells(mine) == [(dt.date(2020, 3, 1), "大病致困", dt.date(2025, 11, 20), "2025年度复核：退休金上调")]
    assert ModelWorker.objects.get(pk=mine.pk).in_hardship is False


def test_leaving_or_changed_facts_need_a_note_and_only_files_in_force_are_reviewed(staff_user, mine):
    with pytest.raises(DomainError):
        services.review_hardship_file(
            actor=staff_user, worker=mine, year=2026, reviewed_on=dt.date(2026, 1, 5), outcome="continue"
        )
    open_file(staff_user, mine)
    with pytest.raises(ValidationError) as e:
        services.review_hardship_file(
            actor=staff_user, worker=mine, year=2026, reviewed_on=dt.date(2025, 12, 5), outcome="changed"
        )
    assert e.value.message_dict == {
        "reviewed_on": ["复核日期须在该年度开始之后、今天之前。"],
        "note": ["请说明情况有何变化，或退出困难的原因。"],
    }
    assert HardshipReview.objects.count() == 0


# --- Pages ------------------------------------------------------------------------------------


def test_the_profile_shows_the_spells_the_reviews_and_the_files_history(client_for, staff_user, mine):
    file = open_file(staff_user, mine)
    services.save_hardship_file(actor=staff_user, worker=mine, data={"monthly_income": 2300})
    services.review_hardship_file(
        actor=staff_user, worker=mine, year=2025, reviewed_on=dt.date(2025, 6, 1), outcome="changed", note="收入上调"
    )
    services.close_hardship_file(actor=staff_user, file=file, ended_on=dt.date(2026, 2, 1), reason="收入改善")
    html = client_for(staff_user).get(reverse("archive:detail", args=[mine.pk])).content.decode()
    spells_html = html.split('id="hardship-spells"')[1].split("</table>")[0]
    assert "2020-03-01" in spells_html
    assert "大病致困" in spells_html
    assert "2026-02-01" in spells_html
    reviews_html = html.split('id="hardship-reviews"')[1].split("</table>")[0]
    assert "情况有变，继续认定" in reviews_html
    assert "收入上调" in reviews_html
    history = html.split('id="hardship-history"')[1].split("</ul>")[0]
    # Incomes are private: the log says that they changed, not what they are.
    assert "本人月收入（元）：（已记录，内容不记入日志） → （已记录，内容不记入日志）" in history
    assert "复核结论：— → 情况有变，继续认定" in history
    assert "退出困难日期：— → 2026-02-01；退出原因：— → 收入改善" in history
    assert history.count("<li>") == 6  # file and spell opened, income, review, file closed, spell ended


def test_the_profile_makes_a_fixed_number_of_queries(client_for, staff_user, mine):
    client = client_for(staff_user)
    url = reverse("archive:detail", args=[mine.pk])
    file = open_file(staff_user, mine)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    services.close_hardship_file(actor=staff_user, file=file, ended_on=dt.date(2022, 1, 1), reason="好转")
    for year in (2023, 2024, 2025):
        services.save_hardship_file(
            actor=staff_user, worker=mine, data={"is_active": True}, entered_on=dt.date(year, 1, 1)
        )
        services.review_hardship_file(
            actor=staff_user, worker=mine, year=year, reviewed_on=dt.date(year, 5, 1), outcome="leave", note="好转"
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert HardshipSpell.objects.filter(model_worker=mine).count() == 4
    assert len(one.captured_queries) == len(many.captured_queries) == 12


def test_the_review_form_records_the_review(client_for, union_user, mine):
    open_file(union_user, mine)
    client = client_for(union_user)
    url = reverse("archive:hardship_review", args=[mine.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"year": "2026", "reviewed_on": "2026-03-01", "outcome": "continue", "note": ""})
    assert response.status_code == 302
    assert list(HardshipReview.objects.values_list("model_worker", "year", "outcome")) == [(mine.pk, 2026, "continue")]


def test_another_unions_file_is_not_reachable(client_for, union_user, staff_user, theirs):
    open_file(staff_user, theirs)
    client = client_for(union_user)
    for name in ("archive:hardship_review", "archive:hardship_spell_correct"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
        assert client.post(reverse(name, args=[theirs.pk]), {"year": "2026"}).status_code == 404
    assert HardshipReview.objects.count() == 0


def test_the_correction_form_changes_the_latest_spell(client_for, staff_user, mine):
    open_file(staff_user, mine)
    client = client_for(staff_user)
    url = reverse("archive:hardship_spell_correct", args=[mine.pk])
    response = client.post(url, {"entered_on": "2020-02-01", "entry_reason": "大病致困", "reason": "建档日期录错"})
    assert response.status_code == 302
    assert spells(mine) == [(dt.date(2020, 2, 1), "大病致困", None, "")]


def test_the_year_page_lists_who_is_due_and_who_was_reviewed_in_the_unions_scope(
    client_for, union_user, staff_user, mine, theirs, union_a
):
    other = ModelWorkerFactory(name="王五", union=union_a)
    for person in (mine, theirs, other):
        open_file(staff_user, person)
    services.review_hardship_file(
        actor=staff_user, worker=other, year=2026, reviewed_on=dt.date(2026, 2, 1), outcome="continue"
    )
    services.review_hardship_file(
        actor=staff_user, worker=theirs, year=2026, reviewed_on=dt.date(2026, 2, 1), outcome="continue"
    )
    html = client_for(union_user).get(reverse("archive:hardship_reviews") + "?year=2026").content.decode()
    due = html.split('id="due"')[1].split("</table>")[0]
    reviewed = html.split('id="reviewed"')[1].split("</table>")[0]
    assert "张三" in due
    assert "王五" not in due
    assert "李四" not in due
    assert "王五" in reviewed
    assert "李四" not in reviewed
    assert '<div class="value" id="due-total">1</div>' in html
    assert '<div class="value" id="reviewed-total">1</div>' in html
    federation = client_for(staff_user).get(reverse("archive:hardship_reviews") + "?year=2026").content.decode()
    assert '<div class="value" id="reviewed-total">2</div>' in federation


def test_the_year_page_makes_a_fixed_number_of_queries(client_for, staff_user, union_a):
    client = client_for(staff_user)
    url = reverse("archive:hardship_reviews") + "?year=2026"
    first = ModelWorkerFactory(union=union_a)
    open_file(staff_user, first)
    services.review_hardship_file(
        actor=staff_user, worker=first, year=2026, reviewed_on=dt.date(2026, 2, 1), outcome="continue"
    )
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        person = ModelWorkerFactory(union=union_a)
        open_file(staff_user, person)
        services.review_hardship_file(
            actor=staff_user, worker=person, year=2026, reviewed_on=dt.date(2026, 2, 1), outcome="changed", note="x"
        )
        open_file(staff_user, ModelWorkerFactory(union=union_a))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert HardshipReview.objects.count() == 6
    assert len(one.captured_queries) == len(many.captured_queries) == 8
