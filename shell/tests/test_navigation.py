"""The navbar each role gets: labels, links, icons, menus and their order, read off the rendered page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from org.models import Person, Role

HOME = ("Home", "/", "bi-house")
MY_WORK = [
    ("My tasks", "/framework/tasks/mine/", "bi-check2-square"),
    ("My materials", "/materials/mine/", "bi-folder-check"),
]
CASES = [("Cases", "/cases/", "bi-clipboard-check"), ("Metrics", "/cases/metrics/", "bi-speedometer2")]
CASES_OFFICE = [("Public reports", "/portal/", "bi-megaphone")]
CASES_ALL = [("Categories", "/cases/categories/", "bi-tags"), ("Calendar", "/calendar/", "bi-calendar3")]
FRAMEWORK = [("Framework", "/framework/editions/", "bi-list-check")]
FRAMEWORK_ALL = [
    ("Task breakdown", "/framework/tasks/", "bi-kanban"),
    ("Materials (网上申报)", "/materials/matrix/", "bi-folder-check"),
]
MY_INSPECTIONS = [("My inspections", "/inspections/mine/", "bi-phone")]
INSPECTIONS = [
    ("Inspection rounds", "/inspections/rounds/", "bi-search"),
    ("Inspection results", "/inspections/results/", "bi-bar-chart"),
    ("Sites", "/inspections/sites/", "bi-geo-alt"),
]
SURVEYS = ("Surveys", "/surveys/", "bi-clipboard-check")
SCORES = [
    ("Scores", "/scores/", "bi-trophy"),
    ("Rankings", "/scores/rankings/", "bi-bar-chart"),
    ("Lost points", "/scores/lost/", "bi-graph-down-arrow"),
]
SCORES_ALL = [
    ("What-if", "/scores/what-if/", "bi-lightning"),
    ("Dashboard", "/screen/", "bi-display"),
    ("Screens", "/screen/screens/", "bi-collection-play"),
]
ORG = [
    ("Units", "/org/units/", "bi-diagram-3"),
    ("People", "/org/people/", "bi-people"),
    ("Grids", "/org/grids/", "bi-grid-3x3"),
]
ORG_ADMIN = [
    ("Import", "/org/import/", "bi-file-earmark-arrow-up"),
    ("Deliveries", "/inbox/deliveries/", "bi-send"),
    ("Webhooks", "/inbox/webhooks/", "bi-robot"),
    ("API tokens", "/org/tokens/", "bi-key"),
]
LIAISON = [("Our liaison", "/inbox/liaison/", "bi-telephone")]  # a unit head names the unit's liaison
AUDIT = [("Audit log", "/audit/", "bi-journal-text")]
ADDRESSES = [("Standard addresses", "/addresses/", "bi-signpost-split")]  # the office's registry
Link = tuple[str, str, str]  # label, url, icon
Menu = tuple[str, str, list[Link]]  # label, icon, links


def _bar(
    *,
    my_work: bool = False,
    office: bool = False,
    everything: bool = False,
    inspector: bool = False,
    org_admin: bool = False,
    audit: bool = False,
    head: bool = False,
) -> list[Link | Menu]:
    """The bar as (label, url, icon) for a link and (label, icon, [links]) for a menu."""
    items: list[Link | Menu] = [HOME, *(MY_WORK if my_work else [])]
    items.append(
        (
            "Cases",
            "bi-clipboard-check",
            CASES + (CASES_OFFICE if office else []) + (CASES_ALL if everything else []),
        )
    )
    items.append(("Framework", "bi-list-check", FRAMEWORK + (FRAMEWORK_ALL if everything else [])))
    items.append(("Inspections", "bi-search", (MY_INSPECTIONS if inspector else []) + INSPECTIONS))
    items.append(SURVEYS)
    items.append(("Scores", "bi-trophy", SCORES + (SCORES_ALL if everything else [])))
    items.append(
        (
            "Organisation",
            "bi-building",
            ORG
            + (ADDRESSES if office else [])
            + (LIAISON if head else [])
            + (ORG_ADMIN if org_admin else [])
            + (AUDIT if audit else []),
        )
    )
    return items


UNIT_PERSON = _bar(my_work=True)
EXPECTED = {
    "office_admin": _bar(office=True, everything=True, org_admin=True, audit=True),
    "inspector": _bar(office=True, everything=True, inspector=True),
    "leader": _bar(everything=True, audit=True),
    "surveyor": UNIT_PERSON,
    "handler_a": UNIT_PERSON,
    "head_a": _bar(my_work=True, head=True),
    "community_handler_a": UNIT_PERSON,
    "department_handler": UNIT_PERSON,
}


class _Navbar(HTMLParser):
    """Collects the entries of the navbar's menu list (`ul.navbar-nav`), nested as the page nests them."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []
        self.active: list[str] = []
        self._depth = 0  # <ul> depth inside the navbar list, 0 when outside it
        self._link: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "ul" and (self._depth or "navbar-nav" in classes):
            self._depth += 1
        elif self._depth and tag == "a":
            self._link = {"href": attr.get("href"), "text": "", "icon": "", "classes": classes}
        elif self._link is not None and tag == "i":
            self._link["icon"] = next(c for c in classes if c.startswith("bi-"))

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self._depth:
            self._depth -= 1
        elif tag == "a" and self._link is not None:
            link, self._link = self._link, None
            label = link["text"].strip()
            if "active" in link["classes"]:
                self.active.append(label)
            if "dropdown-toggle" in link["classes"]:
                self.items.append((label, link["icon"], []))
            elif "dropdown-item" in link["classes"]:
                self.items[-1][2].append((label, link["href"], link["icon"]))
            else:
                self.items.append((label, link["href"], link["icon"]))


def navbar(html: bytes) -> _Navbar:
    parser = _Navbar()
    parser.feed(html.decode())
    return parser


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_gets_its_menus(county, client, persona):
    client.force_login(getattr(county, persona))
    assert navbar(client.get(reverse("home")).content).items == EXPECTED[persona]


def test_every_role_is_checked(county):
    assert {getattr(county, persona).role for persona in EXPECTED} == set(Role.values)


def test_a_superuser_without_a_unit_gets_the_office_admins_menus(db, client):
    person = Person.objects.create_superuser("root", password="x", must_change_password=False)
    client.force_login(person)
    assert navbar(client.get(reverse("home")).content).items == EXPECTED["office_admin"]


def test_the_open_page_and_its_menu_are_marked(county, client):
    client.force_login(county.office_admin)
    # The case list's link is marked too: the metrics' path starts with its path.
    assert navbar(client.get(reverse("cases:metrics")).content).active == ["Cases", "Cases", "Metrics"]
    assert navbar(client.get(reverse("home")).content).active == ["Home"]


def test_the_menus_are_chinese_for_a_chinese_user(county, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(county.office_admin)
    items = navbar(client.get(reverse("home")).content).items
    labels = [
        (item[0], [child[0] for child in item[2]] if isinstance(item[2], list) else []) for item in items
    ]
    assert labels == [
        ("首页", []),
        ("问题整改", ["问题整改", "考核指标", "群众举报", "问题类别", "工作日历"]),
        ("测评体系", ["测评体系", "任务分解", "网上申报"]),
        ("实地督查", ["督查轮次", "测评结果", "点位"]),
        ("问卷调查", []),
        ("考核评分", ["考核评分", "排名", "丢分分析", "模拟推演", "大屏", "大屏配置"]),
        (
            "组织机构",
            ["单位", "人员", "网格", "标准地址", "导入", "消息发送记录", "群机器人", "API 令牌", "审计日志"],
        ),
    ]


def test_anonymous_visitors_get_no_menus(db, client):
    assert navbar(client.get(reverse("login")).content).items == []
