"""The demo county 示范县: a deterministic, fictional county with its units, people and grids.

Everything comes from one seeded random generator, so two loads produce the same county. Later domains
(framework, sites, cases, …) add their own demo modules on top of this one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count

from org.models import Grid, Person, Role, Unit, UnitKind
from org.queries import forget_grid_index

SEED = 20261129
COUNTY_CODE = "370999"  # fictional: no real county carries this code
DEMO_PASSWORD = "Demo@2026"
OFFICE_NAME = "示范县创建文明城市工作办公室"

# The county spans COLS × ROWS grid cells; each town is a block of TOWN_COLS × TOWN_ROWS cells.
WEST, SOUTH, CELL = 116.90, 35.40, 0.0225
COLS, ROWS, TOWN_COLS, TOWN_ROWS = 16, 12, 4, 3

STREETS = ["城关街道", "东城街道", "西城街道", "南湖街道", "北山街道", "新华街道"]
TOWNS = ["青石镇", "柳河镇", "白马镇", "双桥镇", "龙泉镇", "清水镇", "石门镇", "桃源乡", "杏林乡", "凤凰山乡"]
COMMUNITY_NAMES = [
    "新华",
    "人民",
    "解放",
    "建设",
    "和平",
    "幸福",
    "光明",
    "文化",
    "育才",
    "朝阳",
    "振兴",
    "民主",
    "胜利",
    "团结",
    "春晖",
    "锦绣",
    "滨河",
    "花园",
    "学府",
    "东关",
    "西关",
    "南关",
    "北关",
    "迎宾",
    "金桥",
    "银河",
    "翠屏",
    "玉泉",
    "青年",
    "红星",
    "康宁",
    "永安",
    "福寿",
    "兴隆",
    "安居",
    "丰收",
    "友谊",
    "前进",
    "曙光",
    "长青",
    "富民",
    "龙山",
    "凤鸣",
    "望湖",
    "临河",
    "秀水",
    "景苑",
    "嘉园",
    "汇文",
    "惠民",
    "明德",
    "崇文",
    "尚德",
    "怡和",
    "泰和",
    "宝塔",
    "钟楼",
    "鼓楼",
    "文庙",
    "书院",
]
VILLAGE_NAMES = [
    "王庄",
    "李家",
    "张楼",
    "刘屯",
    "陈庄",
    "杨柳",
    "赵集",
    "孙庄",
    "周楼",
    "吴家",
    "郑庄",
    "前营",
    "后营",
    "东岗",
    "西岗",
    "大王",
    "小李",
    "石桥",
    "河口",
    "北坡",
    "南坡",
    "高庄",
    "马庄",
    "林场",
    "下湾",
    "上湾",
    "杏花",
    "桃园",
    "枣林",
    "梨园",
    "槐树",
    "柏树",
    "松林",
    "崔家",
    "韩庄",
    "冯楼",
    "邓集",
    "许庄",
    "曹屯",
    "彭家",
    "蒋庄",
    "沈楼",
    "谢家",
    "罗庄",
    "唐集",
    "宋庄",
    "郭楼",
    "何家",
    "田庄",
    "潘屯",
    "袁家",
    "于庄",
    "董楼",
    "程集",
    "魏庄",
    "苏家",
    "卢庄",
    "丁楼",
]
DEPARTMENTS = [
    "县委办公室",
    "县政府办公室",
    "县委宣传部",
    "县委组织部",
    "县委政法委",
    "县纪委监委",
    "县发展和改革局",
    "县教育和体育局",
    "县科学技术局",
    "县工业和信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源和规划局",
    "县生态环境分局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水务局",
    "县农业农村局",
    "县商务局",
    "县文化和旅游局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县综合行政执法局",
    "县行政审批服务局",
    "县信访局",
    "县大数据中心",
    "县融媒体中心",
    "县总工会",
    "团县委",
    "县妇联",
    "县残联",
    "县科协",
    "县供电公司",
    "县税务局",
    "县消防救援大队",
    "县公安局交警大队",
    "县邮政分公司",
    "县气象局",
]
PROPERTY_COMPANIES = ["安居物业服务有限公司", "宏达物业管理有限公司", "绿城物业服务有限公司"]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕春梅晓东雪峰文博宇航佳怡子涵"


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str


class CountyBuilder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.password_hash = make_password(DEMO_PASSWORD)
        self.people: list[Person] = []
        self.community_pool = list(COMMUNITY_NAMES)
        self.village_pool = list(VILLAGE_NAMES)
        self.rng.shuffle(self.community_pool)
        self.rng.shuffle(self.village_pool)
        self.used_phones: set[str] = set()

    # --- small generators ---
    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))

    def mobile(self) -> str:
        while True:
            phone = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def unit(self, name: str, kind: str, parent: Unit | None = None, code: str = "", order: int = 0) -> Unit:
        unit = Unit(
            name=name,
            kind=kind,
            parent=parent,
            division_code=code,
            sort_order=order,
            head_name=self.name(),
            head_phone=self.mobile(),
            liaison_name=self.name(),
            liaison_phone=self.mobile(),
        )
        unit.save()
        return unit

    def person(self, username: str, role: str, unit: Unit, full_name: str | None = None) -> Person:
        person = Person(
            username=username,
            full_name=full_name or self.name(),
            role=role,
            unit=unit,
            phone=self.mobile(),
            password=self.password_hash,
            must_change_password=False,
        )
        self.people.append(person)
        return person

    # --- the county ---
    def build(self) -> None:
        office = self.unit(OFFICE_NAME, UnitKind.OFFICE, order=1)
        command = self.unit("示范县创建全国文明城市指挥部", UnitKind.COMMAND_POST, order=2)
        self.person("admin", Role.OFFICE_ADMIN, office, "张建国")
        self.person("admin2", Role.OFFICE_ADMIN, office)
        for i in range(1, 7):
            self.person(f"inspector{i}", Role.INSPECTOR, office)
        for i in range(1, 5):
            self.person(f"surveyor{i}", Role.SURVEYOR, office)
        self.person("leader", Role.LEADER, command, "王志刚")
        self.person("leader2", Role.LEADER, command)
        for index, name in enumerate(DEPARTMENTS, start=1):
            department = self.unit(name, UnitKind.DEPARTMENT, order=100 + index)
            self.person(f"dept{index:02d}", Role.UNIT_HANDLER, department)
            if name == "县住房和城乡建设局":
                for company in PROPERTY_COMPANIES:
                    self.person(
                        f"wy{len(self.people):03d}",
                        Role.UNIT_HANDLER,
                        self.unit(company, UnitKind.ENTERPRISE, department),
                    )
        self.build_towns()
        Person.objects.bulk_create(self.people)

    def lattice(self) -> list[list[tuple[float, float]]]:
        """Cell corner points, jittered inside the county so the grid looks drawn, but still tiles exactly."""
        points = []
        for row in range(ROWS + 1):
            line = []
            for col in range(COLS + 1):
                lon, lat = WEST + col * CELL, SOUTH + row * CELL
                if 0 < row < ROWS and 0 < col < COLS:
                    lon += self.rng.uniform(-0.25, 0.25) * CELL
                    lat += self.rng.uniform(-0.25, 0.25) * CELL
                line.append((round(lon, 6), round(lat, 6)))
            points.append(line)
        return points

    def build_towns(self) -> None:
        points = self.lattice()
        names = STREETS + TOWNS
        blocks = [(bx, by) for by in range(ROWS // TOWN_ROWS) for bx in range(COLS // TOWN_COLS)]
        # Streets sit in the middle of the county, towns around them.
        blocks.sort(key=lambda b: (abs(b[0] - 1.5) + abs(b[1] - 1.5), b[1], b[0]))
        grids = []
        for index, (name, (bx, by)) in enumerate(zip(names, blocks, strict=True), start=1):
            is_street = name in STREETS
            town_code = f"{COUNTY_CODE}{index:03d}000"
            town = self.unit(name, UnitKind.TOWN, code=town_code, order=200 + index)
            self.person(f"town{index:02d}", Role.UNIT_HANDLER, town)
            self.person(f"town{index:02d}head", Role.UNIT_HEAD, town)
            cells = [
                (bx * TOWN_COLS + c, by * TOWN_ROWS + r)
                for r in range(TOWN_ROWS)
                for c in (range(TOWN_COLS) if r % 2 == 0 else reversed(range(TOWN_COLS)))
            ]
            count = self.rng.randint(5, 7) if is_street else self.rng.randint(4, 6)
            sizes = self.split(len(cells), count)
            start = 0
            for number, size in enumerate(sizes, start=1):
                pool = self.community_pool if is_street or number == 1 else self.village_pool
                label = "社区" if pool is self.community_pool else "村"
                community = self.unit(
                    f"{pool.pop()}{label}",
                    UnitKind.COMMUNITY,
                    town,
                    code=f"{COUNTY_CODE}{index:03d}{number:03d}",
                    order=number,
                )
                self.person(f"c{index:02d}{number:02d}", Role.UNIT_HANDLER, community)
                for cell_number, (col, row) in enumerate(cells[start : start + size], start=1):
                    ring = [
                        points[row][col],
                        points[row][col + 1],
                        points[row + 1][col + 1],
                        points[row + 1][col],
                        points[row][col],
                    ]
                    grids.append(
                        Grid(
                            code=f"{community.division_code}{cell_number:02d}",
                            name=f"{community.name}第{cell_number}网格",
                            unit=community,
                            boundary={"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
                        )
                    )
                start += size
        for grid in grids:  # bulk_create skips save(), which derives the bounding box
            grid.fill_bounds()
        Grid.objects.bulk_create(grids)
        forget_grid_index()

    def split(self, total: int, parts: int) -> list[int]:
        """Split `total` cells into `parts` positive runs."""
        cuts = sorted(self.rng.sample(range(1, total), parts - 1))
        return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def demo_loaded() -> bool:
    return Unit.objects.filter(name=OFFICE_NAME, parent=None).exists()


@transaction.atomic
def build_demo_county() -> None:
    CountyBuilder().build()


def require_password_changes() -> int:
    """Every account still on the demo password must choose its own at its next sign-in: for a demo loaded where
    others can reach it. The demo gives its accounts one shared hash, so only shared hashes are checked."""
    shared = Person.objects.values("password").annotate(n=Count("id")).filter(n__gt=1)
    demo_hashes = [row["password"] for row in shared if check_password(DEMO_PASSWORD, row["password"])]
    return Person.objects.filter(password__in=demo_hashes).update(must_change_password=True)


def demo_logins() -> list[DemoLogin]:
    wanted = ["admin", "inspector1", "leader", "surveyor1", "town01", "town01head", "c0101", "dept11"]
    people = {p.username: p for p in Person.objects.filter(username__in=wanted).select_related("unit")}
    return [
        DemoLogin(u, people[u].get_role_display(), unit.name)
        for u in wanted
        if u in people and (unit := people[u].unit) is not None
    ]
