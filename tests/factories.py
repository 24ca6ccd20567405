import datetime as dt
import itertools

import factory

from gongjiang.accounts.enums import OrganisationKind, Role
from gongjiang.accounts.models import Organisation, User
from gongjiang.archive.enums import HonourKind, Level, Sex, Status
from gongjiang.archive.models import Employer, Honour, ModelWorker
from gongjiang.core import idcard
from gongjiang.core.pinyin import name_keys

PASSWORD = "Test@2026x"
_seq = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试基层工会{n}")
    code = factory.Sequence(lambda n: f"T-{n:03d}")
    kind = OrganisationKind.GRASSROOTS
    parent = None

    @factory.post_generation
    def fix_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path}{obj.pk}/" if obj.parent else f"/{obj.pk}/"
        obj.save(update_fields=["path"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.FEDERATION_STAFF
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        obj.save()


AREAS = ["320213", "320202", "320203", "320204", "320211", "320205", "320206", "320281"]


def valid_id(birth: dt.date, sex: str) -> str:
    """A valid, unique number for this test run: 500 per area code and birth date and sex."""
    n = next(_seq)
    return idcard.make(AREAS[(n // 500) % len(AREAS)], birth, (n % 500) * 2 + (1 if sex == "M" else 0), sex)


class ModelWorkerFactory(factory.django.DjangoModelFactory):
    """A valid record; its highest level is left at NONE unless honours are added through
    the services or ``with_level`` is given (which writes the honour and the stored level)."""

    class Meta:
        model = ModelWorker
        skip_postgeneration_save = True

    name = factory.Iterator(["张三", "李四", "王五", "赵六", "周七", "吴八", "郑九", "孙十"])
    sex = Sex.MALE
    birth_date = dt.date(1960, 5, 1)
    id_number = factory.LazyAttribute(lambda o: valid_id(o.birth_date, o.sex))
    union = factory.SubFactory(OrganisationFactory)
    status = Status.WORKING

    @factory.lazy_attribute
    def name_pinyin(self):
        return name_keys(self.name)[0]

    @factory.lazy_attribute
    def name_initials(self):
        return name_keys(self.name)[1]

    @factory.lazy_attribute
    def id_last4(self):
        return (self.id_number or "")[-4:]

    @factory.post_generation
    def with_level(obj, create, extracted, **kwargs):
        if extracted:
            level = Level(extracted)
            Honour.objects.create(
                model_worker=obj,
                title=f"{level.label}劳动模范",
                kind=HonourKind.MODEL_WORKER,
                level=level,
                year=2010,
            )
            obj.highest_level = level
            obj.save(update_fields=["highest_level"])


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"无锡测试企业{n}有限公司")
