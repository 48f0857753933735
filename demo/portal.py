"""The demo county's public reporting: the categories offered to the public (随手拍 / Open311 services)."""

from __future__ import annotations

from cases.categories import CJT_214, load_categories
from cases.models import Category, CategoryKind
from portal.models import PublicService, ServiceAttribute

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
]


def build_demo_portal() -> int:
    """Create the public services once; returns how many were added (0 when they exist)."""
    if PublicService.objects.exists():
        return 0
    if not Category.objects.filter(standard_ref=CJT_214).exists():
        load_categories()
    categories = {
        c.code: c
        for c in Category.objects.filter(standard_ref=CJT_214, kind=CategoryKind.EVENT, parent__isnull=False)
    }
    services = PublicService.objects.bulk_create(
        PublicService(service_code=code, category=categories[minor], name=name, group=group, order=index)
        for index, (code, minor, name, group) in enumerate(PUBLIC_SERVICES)
        if minor in categories
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
    return len(services)
