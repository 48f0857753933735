"""Which problem category (数字城管 event class, CJ/T 214, or the campaign's own) a failed check line opens its case in.

The office sets a category per line (`LineCategory`); a line it has not set gets a default from its text (keyword
rules, first match wins) and else from the site type. The rules are data: edit the tables, not the code paths.
"""

from __future__ import annotations

from collections.abc import Iterable

from cases.categories import CJT_214, LOCAL
from cases.models import Category, CategoryKind
from framework.models import CheckItem, SiteType
from inspections.models import LineCategory

# (words in the line, CJ/T 214 event minor code). Order matters: the more specific words come first.
KEYWORD_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    # The campaign's own classes first (cases/data/campaign_categories.csv, standard "local").
    (("公益广告", "宣传栏", "宣传标语", "核心价值观"), "C101"),  # 公益宣传
    (("未成年人", "网吧", "游戏厅", "200 米", "200米"), "C105"),  # 未成年人保护
    (("便民", "服务设施", "饮水", "座椅", "雨具", "母婴"), "C102"),  # 便民服务设施
    (("公示", "承诺", "投诉电话", "监督电话", "开放时间", "明码标价"), "C103"),  # 公示与服务承诺
    (("禁烟", "吸烟", "标志", "标识", "指示牌"), "C104"),  # 标识标牌
    (("礼让", "闯红灯", "斑马线", "交通秩序", "文明交通"), "C106"),  # 文明交通秩序
    (("志愿", "学雷锋"), "C107"),  # 志愿服务
    (("文明用语", "服务规范", "服务态度", "着装"), "C108"),  # 文明服务规范
    (("划行归市", "公平秤", "活禽"), "C109"),  # 农贸市场管理
    (("乱贴", "乱画", "乱涂", "小广告", "涂写", "刻画"), "0201"),  # 非法小广告
    (("油烟",), "0116"),  # 油烟污染
    (("烧烤",), "0510"),  # 露天烧烤
    (("晾晒", "晾挂"), "0511"),  # 沿街晾挂
    (("乱搭", "私搭", "违章建筑", "违建"), "0101"),  # 私搭乱建
    (("扬尘",), "0302"),  # 工地扬尘
    (("渣土", "建筑垃圾"), "0103"),  # 积存垃圾渣土
    (("乱堆", "堆放", "堆物", "乱摆"), "0507"),  # 乱堆物堆料
    (("占道", "店外", "出店", "越门"), "0504"),  # 店外经营
    (("游商", "流动摊"), "0501"),  # 无照经营游商
    (("非机动车",), "0506"),  # 非机动车乱停放
    (("乱停", "停放", "停车"), "0505"),  # 机动车乱停放
    (("积水",), "0406"),  # 道路积水
    (("招牌", "牌匾", "广告牌"), "0202"),  # 违章张贴悬挂广告牌匾
    (("外立面", "墙面", "墙体"), "0113"),  # 建筑物外立面不洁
    (("绿地", "绿化", "花坛", "草坪"), "0106"),  # 绿地脏乱
    (("水面", "水域", "漂浮"), "0105"),  # 水域不洁
    (("噪音", "噪声"), "0508"),  # 商业噪音
    (("出版物", "音像"), "0512"),  # 非法出版物销售
)
# Words of a dirty place: on a road it is 道路不洁, elsewhere 暴露垃圾.
DIRT_WORDS = ("垃圾", "卫生", "干净", "整洁", "脏", "保洁", "杂物", "痰", "烟头", "纸屑", "清扫")
ROAD_TYPES = {"09", "10", "21"}  # 主次干道, 背街小巷, 交通路口
DIRT_ON_ROAD, DIRT_ELSEWHERE = "0104", "0102"
# When the text says nothing the rules know: by site type, else 其他市容环境问题.
TYPE_FALLBACK = {"09": "0599", "10": "0599", "21": "0599", "23": "0399", "24": "0105"}
FALLBACK = "0199"


def default_code(text: str, site_type: SiteType | None) -> str:
    """The CJ/T 214 event code a line's text (and the site's type) suggests."""
    for words, code in KEYWORD_RULES:
        if any(word in text for word in words):
            return code
    type_code = site_type.code if site_type else ""
    if any(word in text for word in DIRT_WORDS):
        return DIRT_ON_ROAD if type_code in ROAD_TYPES else DIRT_ELSEWHERE
    return TYPE_FALLBACK.get(type_code, FALLBACK)


def _events_by_code() -> dict[str, Category]:
    rows = Category.objects.filter(
        standard_ref__in=[CJT_214, LOCAL], kind=CategoryKind.EVENT, parent__isnull=False
    )
    return {c.code: c for c in rows.filter(is_active=True)}


def categories_for(items: Iterable[CheckItem], site_type: SiteType | None) -> dict[int, Category | None]:
    """The category of each line: the office's choice, else the default (None when categories are not loaded)."""
    items = list(items)
    chosen = {
        m.check_item_id: m.category
        for m in LineCategory.objects.filter(check_item__in=items).select_related("category")
    }
    events = _events_by_code()
    return {item.pk: chosen.get(item.pk) or events.get(default_code(item.text, site_type)) for item in items}


def first_site_type(item: CheckItem) -> SiteType | None:
    """The site type a line is shown under on the mapping screen (its requirement's first)."""
    types = list(item.requirement.site_types.all())
    return types[0] if types else None
