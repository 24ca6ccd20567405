"""Demo organisations and users: the district federation, its grassroots unions, one user per role."""

from __future__ import annotations

from django.db import transaction

from gongjiang.accounts.enums import OrganisationKind, Role
from gongjiang.accounts.models import Organisation, SecurityPolicy, User

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 (documented demo password)

FEDERATION = ("无锡市梁溪区总工会", "区总工会", "LX")
# Fictional grassroots unions of the district: systems, streets and industries.
UNIONS = [
    ("梁溪区教育工会", "教育工会"),
    ("梁溪区卫生健康工会", "卫健工会"),
    ("梁溪区机关工会", "机关工会"),
    ("梁溪区城市管理工会", "城管工会"),
    ("梁溪区商贸流通业工会联合会", "商贸工会"),
    ("梁溪区建筑业工会", "建筑工会"),
    ("梁溪区交通运输工会", "交通工会"),
    ("梁溪区文化旅游工会", "文旅工会"),
    ("梁溪区非公企业工会联合会", "非公工会"),
    ("梁溪区科技园区工会", "科技园工会"),
    ("锡城精密机械有限公司工会", "锡城精机工会"),
    ("运河纺织集团有限公司工会", "运河纺织工会"),
    ("惠泉电子科技有限公司工会", "惠泉电子工会"),
    ("太湖公交集团有限公司工会", "太湖公交工会"),
    ("梁溪供电服务中心工会", "供电工会"),
    ("崇安寺街道总工会", "崇安寺街道"),
    ("通江街道总工会", "通江街道"),
    ("广瑞路街道总工会", "广瑞路街道"),
    ("上马墩街道总工会", "上马墩街道"),
    ("江海街道总工会", "江海街道"),
    ("广益街道总工会", "广益街道"),
    ("北大街街道总工会", "北大街街道"),
    ("惠山街道总工会", "惠山街道"),
    ("五河街道总工会", "五河街道"),
    ("迎龙桥街道总工会", "迎龙桥街道"),
    ("黄巷街道总工会", "黄巷街道"),
    ("山北街道总工会", "山北街道"),
    ("扬名街道总工会", "扬名街道"),
    ("清名桥街道总工会", "清名桥街道"),
    ("金星街道总工会", "金星街道"),
]
UNION_USER_UNION = "梁溪区教育工会"

USERS = [
    ("admin", "管理员 陈立新", Role.FEDERATION_ADMIN),
    ("staff", "工作人员 周敏", Role.FEDERATION_STAFF),
    ("union", "教育工会 王芳", Role.UNION_STAFF),
    ("leader", None, Role.STUDIO_LEADER),
    ("auditor", "审计员 刘洁", Role.AUDITOR),
    ("worker", None, Role.MODEL_WORKER),
]


@transaction.atomic
def ensure_organisations() -> tuple[Organisation, list[Organisation]]:
    name, short, code = FEDERATION
    fed, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short,
            "kind": OrganisationKind.FEDERATION,
            "contact_person": "办公室",
            "contact_phone": "0510-82700000",
            "address": "无锡市梁溪区解放西路 1 号",
        },
    )
    if not fed.path:
        fed.path = f"/{fed.pk}/"
        fed.save(update_fields=["path"])
    unions = []
    for i, (uname, ushort) in enumerate(UNIONS, start=1):
        org, _ = Organisation.objects.get_or_create(
            code=f"{code}-{i:03d}",
            defaults={
                "name": uname,
                "short_name": ushort,
                "kind": OrganisationKind.GRASSROOTS,
                "parent": fed,
                "sort_order": i,
                "contact_phone": f"0510-8{2700000 + i * 17:07d}",
            },
        )
        if not org.path:
            org.path = f"{fed.path}{org.pk}/"
            org.save(update_fields=["path"])
        unions.append(org)
    if not SecurityPolicy.objects.exists():
        SecurityPolicy.objects.create()
    return fed, unions


@transaction.atomic
def ensure_users(fed: Organisation, unions: list[Organisation], *, worker=None, leader=None) -> list[str]:
    """One user per role, password ``Demo@2026``; the worker and leader linked to their records."""
    union = next(u for u in unions if u.name == UNION_USER_UNION)
    links = {"worker": worker, "leader": leader}
    made = []
    for username, full_name, role in USERS:
        record = links.get(username)
        org = union if role == Role.UNION_STAFF else (record.union if record else fed)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, organisation=org)
            user.set_password(DEMO_PASSWORD)
            made.append(username)
        user.full_name = full_name or (record.name if record else username)
        user.role = role
        user.organisation = org
        if username in links and record is not None:
            user.model_worker = record
        user.is_active = True
        user.save()
    return made
