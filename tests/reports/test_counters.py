import datetime as dt

from django.core.management import call_command
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gongjiang.accounts.enums import Role
from gongjiang.archive import services
from gongjiang.archive.enums import HonourKind, Level, Status
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.reports import counters
from gongjiang.reports.models import HonourCell, PersonCell
from tests.factories import ModelWorkerFactory, OrganisationFactory, UserFactory


def person_counts():
    return {
        (lv, status, un, hs, ar): n
        for lv, status, un, hs, ar, n in PersonCell.objects.filter(n__gt=0).values_list(
            "highest_level", "status", "union_id", "in_hardship", "archived", "n"
        )
    }


def honour_counts():
    return {
        (y, lv, k, un, ar): n
        for y, lv, k, un, ar, n in HonourCell.objects.filter(n__gt=0).values_list(
            "year", "level", "kind", "union_id", "archived", "n"
        )
    }


def brute_force():
    people = {
        (lv, status, un, hs, ar): n
        for lv, status, un, hs, ar, n in ModelWorker.objects.values_list(
            "highest_level", "status", "union_id", "in_hardship", "archived_at"
        )
        .annotate(n=Count("id"))
        .values_list("highest_level", "status", "union_id", "in_hardship", "archived_at", "n")
    }
    merged: dict = {}
    for (lv, status, un, hs, archived_at), n in people.items():
        key = (lv, status, un, hs, archived_at is not None)
        merged[key] = merged.get(key, 0) + n
    honours: dict = {}
    for y, lv, k, un, archived_at in Honour.objects.filter(voided_at__isnull=True).values_list(
        "year", "level", "kind", "model_worker__union_id", "model_worker__archived_at"
    ):
        key = (y, lv, k, un, archived_at is not None)
        honours[key] = honours.get(key, 0) + 1
    return merged, honours


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("add_honour"),
            st.integers(0, 3),
            st.sampled_from(list(HonourKind)),
            st.sampled_from([1, 2, 3, 4]),
            st.integers(2000, 2020),
        ),
        st.tuples(st.just("revoke"), st.integers(0, 30)),
        st.tuples(st.just("void"), st.integers(0, 30)),
        st.tuples(st.just("edit_year"), st.integers(0, 30), st.integers(2000, 2020)),
        st.tuples(st.just("move_union"), st.integers(0, 3), st.integers(0, 1)),
        st.tuples(st.just("archive"), st.integers(0, 3)),
        st.tuples(st.just("restore"), st.integers(0, 3)),
        st.tuples(st.just("retire"), st.integers(0, 3)),
        st.tuples(st.just("hardship"), st.integers(0, 3), st.booleans()),
    ),
    max_size=15,
)


class CountersProperty(TestCase):
    """The trigger-kept counters always equal a full count of people and honours."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=operations)
    def test_counters_match_a_full_count(self, ops):
        unions = [OrganisationFactory(), OrganisationFactory()]
        actor = UserFactory(role=Role.FEDERATION_STAFF, organisation=unions[0])
        people = [ModelWorkerFactory(union=unions[i % 2], birth_date=dt.date(1960, 1, 1)) for i in range(4)]
        honours: list[Honour] = []
        for op in ops:
            try:
                self._apply(op, actor, unions, people, honours)
            except Exception as e:  # a refused operation (already revoked, archived …) changes nothing
                if type(e).__name__ not in ("DomainError", "ValidationError"):
                    raise
        expected_people, expected_honours = brute_force()
        assert person_counts() == expected_people
        assert honour_counts() == expected_honours
        counters.rebuild()
        assert (person_counts(), honour_counts()) == (expected_people, expected_honours)

    @staticmethod
    def _apply(op, actor, unions, people, honours):
        name = op[0]
        if name == "add_honour":
            person = people[op[1]]
            honours.append(
                services.add_honour(
                    actor=actor,
                    worker=person,
                    data={"title": "荣誉", "kind": op[2], "level": op[3], "year": op[4]},
                )
            )
        elif name in ("revoke", "void", "edit_year") and honours:
            honour = honours[op[1] % len(honours)]
            if name == "revoke":
                services.revoke_honour(actor=actor, honour=honour, revoked_on=dt.date(2024, 1, 1), reason="撤销")
            elif name == "void":
                services.void_honour(actor=actor, honour=honour, reason="错误")
            else:
                services.update_honour(actor=actor, honour=honour, data={"year": op[2]})
        elif name == "move_union":
            services.update_model_worker(actor=actor, worker=people[op[1]], data={"union": unions[op[2]]})
        elif name == "archive":
            services.archive_model_worker(actor=actor, worker=people[op[1]], reason="测试")
        elif name == "restore":
            services.restore_model_worker(actor=actor, worker=people[op[1]])
        elif name == "retire":
            services.update_model_worker(
                actor=actor,
                worker=people[op[1]],
                data={"status": Status.RETIRED, "retired_on": dt.date(2020, 1, 1)},
            )
        elif name == "hardship":
            services.save_hardship_file(
                actor=actor,
                worker=people[op[1]],
                data={"is_active": op[2], "category": "general", "established_on": dt.date(2021, 1, 1)},
            )


def test_the_bulk_demo_load_fills_the_counters(db):

    # The load is the archive's; a history to 2016 keeps the rest of the demo short.
    call_command("demo", size=3000, today=dt.date(2016, 12, 31), stdout=open("/dev/null", "w"))  # noqa: SIM115
    people, honours = brute_force()
    assert person_counts() == people
    assert honour_counts() == honours
    assert sum(n for (lv, *_rest), n in people.items() if lv <= Level.MUNICIPAL) == 3000
