"""The demo county's public reporting: the categories offered to the public (随手拍 / Open311 services) and the
citizens' reports behind the demo's citizen cases, with their points."""

from __future__ import annotations

import random

from cases.categories import CJT_214, load_categories
from cases.models import Case, Category, CategoryKind, Source
from portal.actions import new_tracking_code
from portal.models import CitizenReport, PublicService, ServiceAttribute, phone_hash
from portal.points import award_points

# (service_code, CJ/T 214 minor code, public name, group)
PUBLIC_SERVICES = [
    ("exposed-rubbish", "0102", "暴露垃圾", "市容环境"),
    ("dirty-road", "0104", "道路不洁", "市容环境"),
    ("road-damage", "0110", "道路破损", "市容环境"),
    ("burning", "0115", "焚烧树叶、垃圾", "市容环境"),
    ("small-ads", "0201", "非法小广告", "宣传广告"),
    ("site-dust", "0302", "工地扬尘", "施工管理"),
    ("blocked-drain", "0404", "下水道堵塞或破损", "突发事件"),
    ("waterlogging", "0406", "道路积水", "突发事件"),
    ("rubbish-piles", "0103", "积存垃圾渣土", "市容环境"),
    ("illegal-building", "0101", "私搭乱建", "市容环境"),
    ("pedlars", "0501", "无照经营游商", "街面秩序"),
    ("outside-trading", "0504", "店外经营", "街面秩序"),
    ("car-parking", "0505", "机动车乱停放", "街面秩序"),
    ("bike-parking", "0506", "非机动车乱停放", "街面秩序"),
    ("stacked-goods", "0507", "乱堆物堆料", "街面秩序"),
    ("street-bbq", "0510", "露天烧烤", "街面秩序"),
    ("hanging-laundry", "0511", "沿街晾挂", "街面秩序"),
]


def build_demo_portal() -> int:
    """Create the public services that are missing and the citizens' reports; returns how many services were added."""
    if not Category.objects.filter(standard_ref=CJT_214).exists():
        load_categories()
    categories = {
        c.code: c
        for c in Category.objects.filter(standard_ref=CJT_214, kind=CategoryKind.EVENT, parent__isnull=False)
    }
    existing = set(PublicService.objects.values_list("service_code", flat=True))
    services = PublicService.objects.bulk_create(
        PublicService(service_code=code, category=categories[minor], name=name, group=group, order=index)
        for index, (code, minor, name, group) in enumerate(PUBLIC_SERVICES)
        if minor in categories and code not in existing
    )
    rubbish = next((s for s in services if s.service_code == "exposed-rubbish"), None)
    if rubbish is not None:
        ServiceAttribute.objects.create(
            service=rubbish,
            code="amount",
            datatype=ServiceAttribute.Datatype.SINGLE,
            description="垃圾有多少？",
            order=1,
            values=[["bag", "几袋"], ["pile", "一堆"], ["area", "成片"]],
        )
    build_demo_citizen_reports()
    return len(services)


def build_demo_citizen_reports(seed: int = 311) -> int:
    """The public side of every demo citizen case whose category is offered to the public: a tracking code,
    the channel (mostly the report page, some Open311 clients), then the points the rules give."""
    rng = random.Random(seed)
    services = {s.category_id: s for s in PublicService.objects.filter(is_active=True)}
    cases = (
        Case.objects.filter(source=Source.CITIZEN, category_id__in=services, citizen_report__isnull=True)
        .only("pk", "category_id", "reporter_phone", "reported_at")
        .order_by("pk")
    )
    reports = [
        CitizenReport(
            case=case,
            service=services[case.category_id or 0],  # the cases were chosen by these categories
            tracking_code=new_tracking_code(),
            channel=CitizenReport.Channel.OPEN311 if rng.random() < 0.15 else CitizenReport.Channel.WEB,
            phone_hash=phone_hash(case.reporter_phone) if case.reporter_phone else "",
            created_at=case.reported_at,
        )
        for case in cases
    ]
    CitizenReport.objects.bulk_create(reports)
    award_points()
    return len(reports)
