"""The 29 site types (点位类型) of a city's campaign map, shipped as editable defaults."""

from django.db import migrations

SITE_TYPES = [
    ("01", "街道办事处(建成区内)"),
    ("02", "街道综合文化站"),
    ("03", "社区"),
    ("04", "社区综合文化服务中心"),
    ("05", "小区"),
    ("06", "城乡结合部"),
    ("07", "建成区外乡镇或街道办事处(乡镇综合文化站)"),
    ("08", "建成区外的行政村或社区"),
    ("09", "主次干道、商业大街"),
    ("10", "背街小巷"),
    ("11", "公共广场、公园"),
    ("12", "公共卫生间"),
    ("13", "公共文化设施"),
    ("14", "景点景区"),
    ("15", "实体书店"),
    ("16", "饭店、三星级及以上宾馆"),
    ("17", "农贸市场(专业市场)"),
    ("18", "餐馆、餐饮店"),
    ("19", "窗口单位"),
    ("20", "商场、超市"),
    ("21", "交通路口、主要交通路口、示范样板路"),
    ("22", "电影院"),
    ("23", "建筑工地"),
    ("24", "河道"),
    ("25", "学校周边环境(中学、小学、幼儿园)"),
    ("26", "学校校内(中学、小学、幼儿园)"),
    ("27", "校外教育、校外培训机构"),
    ("28", "未成年人心理健康指导中心(辅导站)"),
    ("29", "网吧"),
]


def fill(apps, schema_editor):
    SiteType = apps.get_model("framework", "SiteType")
    for order, (code, name) in enumerate(SITE_TYPES, start=1):
        SiteType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def empty(apps, schema_editor):
    SiteType = apps.get_model("framework", "SiteType")
    SiteType.objects.filter(code__in=[code for code, _name in SITE_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("framework", "0001_initial")]

    operations = [migrations.RunPython(fill, empty)]
