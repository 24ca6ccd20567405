"""Every audit entry can be shown: on the log page, in its export and in the record's history,
each change labelled in words whatever key the writing service chose (issue 10, item 1)."""

import io

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from gongjiang.accounts.audit import record
from gongjiang.accounts.audit_display import change_rows, key_label
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.forms import object_types
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.models import ModelWorker
from gongjiang.benefits import services as benefits
from gongjiang.benefits.enums import SchemeKind, SchemePeriod
from gongjiang.benefits.models import Item
from gongjiang.platform import services as platform
from gongjiang.platform.enums import Have
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import established
from tests.rosters.conftest import Importer, idn, xlsx


def export_rows(client, query="") -> list[tuple]:
    response = client.get("/accounts/audit/export/" + query)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))[1:]


def test_a_person_imported_from_a_roster_opens_and_so_do_the_log_and_its_export(
    client, staff_user, admin_user, union_a, policy
):
    data = xlsx(
        [["姓名", "身份证号", "荣誉称号", "级别", "表彰年度"], ["张三", idn((1965, 3, 1)), "劳动模范", "全国", 2010]]
    )
    Importer(staff_user, union_a).run(data)
    person = ModelWorker.objects.get(name="张三")
    client.force_login(admin_user)

    profile = client.get(reverse("archive:detail", args=[person.pk]))
    assert profile.status_code == 200
    assert "荣誉称号：— → 2010年劳动模范" in profile.content.decode()
    log = client.get(reverse("accounts:audit_log"))
    assert log.status_code == 200
    assert "荣誉称号：— → 2010年劳动模范" in log.content.decode()
    (row,) = [r for r in export_rows(client) if r[4] == "已创建"]
    assert "荣誉称号：— → 2010年劳动模范" in row[7]


def test_changing_a_schemes_in_kind_items_is_shown_in_words(client, staff_user, admin_user, policy):
    scheme = benefits.save_scheme(
        actor=staff_user,
        data={"name": "防暑降温", "kind": SchemeKind.IN_KIND, "period": SchemePeriod.YEARLY, "purpose": "防暑降温"},
    )
    drink = Item.objects.create(name="清凉饮料", unit="箱")
    client.force_login(staff_user)
    response = client.post(reverse("benefits:scheme_items", args=[scheme.pk]), {f"item_{drink.pk}": "2"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_type="benefits.scheme", action=AuditAction.UPDATE)
    assert change_rows(entry) == [("发放物品", "—", "清凉饮料 2.00")]
    client.force_login(admin_user)
    assert "发放物品：— → 清凉饮料 2.00" in client.get(reverse("accounts:audit_log")).content.decode()


def test_the_scheme_page_offers_the_items_form_to_whoever_sets_the_items(client, staff_user, auditor_user, policy):
    scheme = benefits.save_scheme(
        actor=staff_user,
        data={"name": "防暑降温", "kind": SchemeKind.IN_KIND, "period": SchemePeriod.YEARLY, "purpose": "防暑降温"},
    )
    Item.objects.create(name="清凉饮料", unit="箱")
    client.force_login(staff_user)
    assert 'id="items-form"' in client.get(scheme.get_absolute_url()).content.decode()
    client.force_login(auditor_user)
    assert 'id="items-form"' not in client.get(scheme.get_absolute_url()).content.decode()


def test_a_units_six_haves_are_named_in_the_log(staff_user, union_a):
    unit = established(staff_user, union=union_a)
    platform.set_have(actor=staff_user, unit=unit, have=Have.RESULTS, met=False, note="成效待核实")
    entry = AuditEntry.objects.filter(object_type="platform.unit").latest("id")
    assert change_rows(entry) == [("有成效·已达到", "是", "否"), ("有成效·达标说明", "已落实", "成效待核实")]


@pytest.mark.parametrize(
    ("object_type", "key", "label"),
    [
        ("archive.modelworker", "honours", "荣誉称号"),  # a reverse relation
        ("archive.modelworker", "sex", "性别"),  # a field
        ("benefits.paymentaccount", "account", "银行账户"),  # the object itself
        ("benefits.treatmenthold", "hold", "待遇暂停"),
        ("benefits.batch", "line", "发放明细"),  # one row of a relation
        ("platform.unit", "case", "候选"),
        ("platform.unit", "sign.note", "有标志·达标说明"),  # a key inside a related row
        ("platform.rubric", "items", "评分项目"),
        ("platform.unit", "nonsense.key", "nonsense.key"),  # nothing known: the key itself
        ("no.such_model", "anything", "anything"),
    ],
)
def test_every_kind_of_change_key_gets_a_label(db, object_type, key, label):
    try:
        model = apps.get_model(object_type)
    except LookupError:
        model = None
    assert key_label(model, key) == label


def test_values_show_as_people_read_them(db):
    entry = AuditEntry(
        object_type="archive.modelworker",
        changes={"sex": [None, "F"], "status": ["working", "retired"], "honours": [[], ["2010年劳动模范"]]},
    )
    assert change_rows(entry) == [("性别", "—", "女"), ("状态", "在职", "退休"), ("荣誉称号", "—", "2010年劳动模范")]


def _sample(field) -> list:
    """A before and an after a service could write for this field."""
    if getattr(field, "choices", None):
        values = [k for k, _v in field.flatchoices][:2]
        return [values[0], values[-1]]
    kind = field.get_internal_type() if hasattr(field, "get_internal_type") else ""
    if kind == "BooleanField":
        return [False, True]
    if kind == "JSONField":
        return [{}, {"一": "1"}]
    if field.is_relation:
        return [None, "某某"]
    return [None, "2026-01-01"]


def _every_change(model) -> dict:
    changes = {f.name: _sample(f) for f in model._meta.get_fields()}
    for relation in model._meta.get_fields():
        if relation.one_to_many and relation.related_model is not None:
            for f in relation.related_model._meta.concrete_fields:
                if f.choices:
                    inner = next(g for g in relation.related_model._meta.concrete_fields if not g.is_relation)
                    changes[f"{f.flatchoices[0][0]}.{inner.name}"] = [None, "1"]
    return changes


DETAIL = {"field": "id_number", "reason": "核对", "rows": 3, "filters": {"q": "张"}, "unmasked": True, "token": 7}


def test_one_entry_of_every_action_on_every_kind_of_object_shows_on_the_log_its_export_and_the_history(
    client, admin_user, union_a, policy
):
    """The kinds of object are the project's models; the actions, every AuditAction. An
    entry of each pair, with every field and relation of the object changed, is shown on
    the log (filtered by kind), in the export and in the history of the record it concerns."""
    kinds = [label for label, _name in object_types()]
    assert {"platform.unit", "benefits.scheme", "archive.modelworker"} <= set(kinds)
    people = {}
    for kind in kinds:
        person = ModelWorkerFactory(union=union_a)
        people[kind] = person
        changes = _every_change(apps.get_model(kind))
        for action in AuditAction.values:
            record(
                actor=admin_user,
                action=action,
                object_type=kind,
                object_id=1,
                object_repr=f"{kind} 1",
                model_worker_id=person.pk,
                changes=changes,
                detail=DETAIL,
            )
    client.force_login(admin_user)
    actions = len(AuditAction.values)
    for kind in kinds:
        response = client.get(reverse("accounts:audit_log"), {"object_type": kind})
        assert response.status_code == 200, kind
        shown = [e for e in response.context["page"].items if e.object_repr == f"{kind} 1"]
        assert len(shown) == actions, kind
        assert all(len(e.rows) == len(e.changes) for e in shown), kind
        history = client.get(reverse("archive:detail", args=[people[kind].pk]))
        assert history.status_code == 200, kind
        # Who looked and who was refused is the auditor's to read, not the record's history.
        assert len(history.context["history"]) == actions - 2, kind
    rows = export_rows(client)
    assert len([r for r in rows if r[7]]) == len(kinds) * actions


def test_the_log_filters_by_every_kind_of_object(client, auditor_user, staff_user, union_a, policy):
    unit = established(staff_user, union=union_a)
    client.force_login(auditor_user)
    page = client.get(reverse("accounts:audit_log"), {"object_type": "platform.unit"}).context["page"]
    assert {e.object_repr for e in page.items} == {str(unit)}
