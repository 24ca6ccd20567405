import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive import services
from gongjiang.archive.enums import HonourKind, Level, Status
from gongjiang.archive.models import Employer, Honour, ModelWorker
from gongjiang.core.errors import DomainError
from tests.factories import ModelWorkerFactory, OrganisationFactory, UserFactory, valid_id


def person_data(union, **overrides):
    birth = overrides.pop("birth_date", dt.date(1965, 3, 1))
    return {
        "name": "张建国",
        "sex": "M",
        "birth_date": birth,
        "id_number": valid_id(birth, "M"),
        "union": union,
        "employer": "无锡锡城精密机械有限公司",
        "status": Status.WORKING,
        **overrides,
    }


def test_creating_a_record_derives_the_search_keys_and_audits(staff_user, union_a):
    worker = services.create_model_worker(actor=staff_user, data=person_data(union_a, phone="138 1234 5678"))
    assert (worker.name_pinyin, worker.name_initials, worker.id_last4) == (
        "zhangjianguo",
        "zjg",
        worker.id_number[-4:],
    )
    assert worker.phone == "13812345678"
    assert worker.employer == Employer.objects.get(name="无锡锡城精密机械有限公司")
    assert worker.highest_level == Level.NONE
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="archive.modelworker")
    assert entry.model_worker_id == worker.pk
    # Personal data enters the log masked.
    assert entry.changes["id_number"] == [None, worker.id_number[:6] + "********" + worker.id_number[-4:]]
    assert entry.changes["phone"] == [None, "138****5678"]


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("320102196503011235", "身份证号最后一位校验码不正确"),
        ("3.20102E+17", "身份证号被 Excel 存成了数字"),
        ("32010219650301", "身份证号应为 18 位"),
    ],
)
def test_a_bad_id_number_is_refused_with_a_chinese_reason_and_nothing_is_saved(staff_user, union_a, id_number, message):
    with pytest.raises(ValidationError) as e:
        services.create_model_worker(actor=staff_user, data=person_data(union_a, id_number=id_number))
    assert message in e.value.message_dict["id_number"][0]
    assert ModelWorker.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_the_birth_date_and_sex_must_agree_with_the_id_number(staff_user, union_a):
    data = person_data(union_a, id_number="11010519491231002X", birth_date=dt.date(1949, 12, 30), sex="M")
    with pytest.raises(ValidationError) as e:
        services.create_model_worker(actor=staff_user, data=data)
    assert e.value.message_dict["birth_date"] == ["出生日期与身份证号不符，身份证号中的出生日期为 1949-12-31。"]
    assert e.value.message_dict["sex"] == ["性别与身份证号不符，身份证号第 17 位表示的性别为女。"]


def test_two_records_cannot_share_an_id_number(staff_user, union_a):
    first = services.create_model_worker(actor=staff_user, data=person_data(union_a))
    with pytest.raises(ValidationError) as e:
        services.create_model_worker(
            actor=staff_user, data={**person_data(union_a), "id_number": first.id_number, "name": "李四"}
        )
    assert "张建国" in e.value.message_dict["id_number"][0]


def test_the_database_refuses_a_duplicate_id_number_too(union_a):

    first = ModelWorkerFactory(union=union_a)
    with pytest.raises(IntegrityError):
        ModelWorkerFactory(union=union_a, id_number=first.id_number)


def test_status_needs_its_dates(staff_user, union_a):
    with pytest.raises(ValidationError) as e:
        services.create_model_worker(actor=staff_user, data=person_data(union_a, status=Status.RETIRED))
    assert list(e.value.message_dict) == ["retired_on"]
    with pytest.raises(ValidationError) as e:
        services.create_model_worker(
            actor=staff_user, data=person_data(union_a, status=Status.WORKING, died_on=dt.date(2020, 1, 1))
        )
    assert list(e.value.message_dict) == ["status"]


def test_union_staff_may_only_create_in_their_union(union_user, union_a, union_b):
    services.create_model_worker(actor=union_user, data=person_data(union_a))
    with pytest.raises(ValidationError) as e:
        services.create_model_worker(actor=union_user, data=person_data(union_b, name="李四"))
    assert list(e.value.message_dict) == ["union"]


def test_auditors_and_model_workers_change_nothing(auditor_user, worker_user, union_a):
    for user in (auditor_user, worker_user):
        with pytest.raises(PermissionDenied):
            services.create_model_worker(actor=user, data=person_data(union_a))


def test_an_update_changes_only_the_given_fields_and_logs_before_and_after(staff_user, union_a):
    worker = services.create_model_worker(actor=staff_user, data=person_data(union_a, position="班组长"))
    services.update_model_worker(actor=staff_user, worker=worker, data={"position": "车间主任"}, expected_version=1)
    worker.refresh_from_db()
    assert (worker.position, worker.version, worker.name) == ("车间主任", 2, "张建国")
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).get()
    assert entry.changes == {"position": ["班组长", "车间主任"]}


def test_a_stale_edit_is_refused(staff_user, union_a):
    worker = services.create_model_worker(actor=staff_user, data=person_data(union_a))
    services.update_model_worker(actor=staff_user, worker=worker, data={"position": "A"}, expected_version=1)
    with pytest.raises(DomainError) as e:
        services.update_model_worker(actor=staff_user, worker=worker, data={"position": "B"}, expected_version=1)
    assert e.value.code == "conflict"
    worker.refresh_from_db()
    assert worker.position == "A"


def test_archiving_keeps_the_record_and_can_be_undone(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a)
    services.archive_model_worker(actor=staff_user, worker=worker, reason="重复档案")
    worker.refresh_from_db()
    assert worker.is_archived
    assert worker.archive_reason == "重复档案"
    with pytest.raises(DomainError):
        services.update_model_worker(actor=staff_user, worker=worker, data={"position": "x"})
    services.restore_model_worker(actor=staff_user, worker=worker)
    worker.refresh_from_db()
    assert not worker.is_archived
    assert list(
        AuditEntry.objects.filter(model_worker_id=worker.pk).values_list("action", flat=True).order_by("id")
    ) == [AuditAction.ARCHIVE, AuditAction.RESTORE]


def test_records_cannot_be_deleted_while_honours_point_at_them(union_a):

    worker = ModelWorkerFactory(union=union_a, with_level=Level.MUNICIPAL)
    with pytest.raises(ProtectedError):
        worker.delete()


# --- Highest level ---------------------------------------------------------------------------


def honour(kind=HonourKind.MODEL_WORKER, level=Level.MUNICIPAL, year=2005):
    return {"title": "劳动模范", "kind": kind, "level": level, "year": year}


def test_the_highest_level_follows_every_honour_change(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a)
    municipal = services.add_honour(actor=staff_user, worker=worker, data=honour(level=Level.MUNICIPAL, year=2001))
    worker.refresh_from_db()
    assert worker.highest_level == Level.MUNICIPAL
    national = services.add_honour(actor=staff_user, worker=worker, data=honour(level=Level.NATIONAL, year=2010))
    services.add_honour(
        actor=staff_user, worker=worker, data=honour(kind=HonourKind.MAY_DAY_MEDAL, level=Level.NATIONAL)
    )
    worker.refresh_from_db()
    assert worker.highest_level == Level.NATIONAL
    services.revoke_honour(actor=staff_user, honour=national, revoked_on=dt.date(2020, 5, 1), reason="违纪")
    worker.refresh_from_db()
    assert worker.highest_level == Level.MUNICIPAL  # the medal never counts
    services.void_honour(actor=staff_user, honour=municipal, reason="录入错误")
    worker.refresh_from_db()
    assert worker.highest_level == Level.NONE
    assert Honour.objects.filter(model_worker=worker).count() == 3


def test_advanced_workers_count_as_model_workers(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a)
    services.add_honour(
        actor=staff_user, worker=worker, data=honour(kind=HonourKind.ADVANCED_WORKER, level=Level.PROVINCIAL)
    )
    worker.refresh_from_db()
    assert worker.highest_level == Level.PROVINCIAL


def test_a_revocation_needs_a_reason_and_a_sensible_date(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a)
    h = services.add_honour(actor=staff_user, worker=worker, data=honour(year=2010))
    with pytest.raises(ValidationError) as e:
        services.revoke_honour(actor=staff_user, honour=h, revoked_on=dt.date(2009, 1, 1), reason="")
    assert set(e.value.message_dict) == {"revoked_on", "reason"}


def test_an_honour_year_before_the_age_of_14_is_refused(staff_user, union_a):
    worker = ModelWorkerFactory(union=union_a, birth_date=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError) as e:
        services.add_honour(actor=staff_user, worker=worker, data=honour(year=2000))
    assert list(e.value.message_dict) == ["year"]


kinds = st.sampled_from(list(HonourKind))
levels = st.sampled_from([Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT])
events = st.lists(
    st.one_of(
        st.tuples(st.just("add"), kinds, levels, st.integers(1990, 2024)),
        st.tuples(st.just("revoke"), st.integers(0, 20)),
        st.tuples(st.just("void"), st.integers(0, 20)),
        st.tuples(st.just("edit_level"), st.integers(0, 20), levels),
    ),
    max_size=12,
)


class HighestLevelProperty(TestCase):
    """Whatever happens to a person's honours, the stored highest level is the rule applied
    to what is on the record now."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(events=events)
    def test_the_stored_level_always_equals_the_rule(self, events):
        org = OrganisationFactory()
        actor = UserFactory(role=Role.FEDERATION_STAFF, organisation=org)
        worker = ModelWorkerFactory(union=org, birth_date=dt.date(1960, 1, 1))
        made: list[Honour] = []
        for event in events:
            if event[0] == "add":
                _op, kind, level, year = event
                made.append(
                    services.add_honour(actor=actor, worker=worker, data=honour(kind=kind, level=level, year=year))
                )
            elif made:
                target = made[event[1] % len(made)]
                target.refresh_from_db()
                if target.voided_at or (event[0] == "revoke" and target.revoked_on):
                    continue
                if event[0] == "revoke":
                    services.revoke_honour(actor=actor, honour=target, revoked_on=dt.date(2025, 1, 1), reason="撤销")
                elif event[0] == "void":
                    services.void_honour(actor=actor, honour=target, reason="错误")
                else:
                    services.update_honour(actor=actor, honour=target, data={"level": event[2]})
        worker.refresh_from_db()
        expected = min(
            (
                h.level
                for h in Honour.objects.filter(model_worker=worker)
                if h.kind in (HonourKind.MODEL_WORKER, HonourKind.ADVANCED_WORKER)
                and h.revoked_on is None
                and h.voided_at is None
            ),
            default=Level.NONE,
        )
        assert worker.highest_level == expected


def test_an_id_number_clash_with_another_unions_record_is_kept_pending_and_reported(union_user, union_b):
    """Issue 10, item 4: the union is answered as for a new number; the clash is the
    federation's to resolve, and a security event for the admin, not in the record's history."""
    theirs = ModelWorkerFactory(union=union_b, name="外会秘密")
    submitted = services.create_model_worker(
        actor=union_user,
        data={"name": "王五", "union": union_user.organisation, "id_number": theirs.id_number},
    )
    assert (submitted.verification, submitted.id_number) == ("pending", theirs.id_number)
    event = AuditEntry.objects.get(action=AuditAction.SECURITY)
    assert (event.detail["kind"], event.detail["held_by"], event.model_worker_id, event.actor) == (
        "hidden_clash",
        [theirs.pk],
        None,
        union_user,
    )
    assert [e.action for e in AuditEntry.objects.filter(model_worker_id=submitted.pk)] == ["create"]
