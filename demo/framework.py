"""The demo county's local quarterly framework (示范县 2026 年第四季度测评体系) with points, checklists for the
site types, survey targets and a task breakdown in several states; plus the shipped 2016 district edition when
its CSV is beside the project. Deterministic and idempotent."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from framework.csv_loader import load_csv, shipped_csv_path
from framework.models import (
    Edition,
    EditionLevel,
    EditionStatus,
    MaterialType,
    MethodKind,
    Progress,
    RuleKind,
    SiteType,
    Task,
    TaskEvent,
    TaskEventKind,
    TaskUnit,
)
from framework.tree import EditionBuilder
from org.models import Person, Unit, UnitKind

SEED = 20261130
EDITION_NAME = "示范县 2026 年第四季度创建测评体系"
SHIPPED_NAME = "南开区 2016 测评体系（全国文明城区）"
GRADED = {"tiers": [["0.80", "1"], ["0.75", "0.5"]]}


@dataclass
class C:
    """One demo criterion and its methods, compactly."""

    text: str
    points: str
    rule_kind: str = RuleKind.DEDUCTION
    rule: dict = field(default_factory=dict)
    field: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (site type code, checks)
    material: tuple[str, list[str], int | None, int | None] | None = None  # text, types, words, photos
    survey: tuple[str, str, str] | None = None  # question, target, favourable answers
    simulation: str = ""
    lead: str = ""
    responsible: tuple[str, ...] = ()


TREE = [
    (
        "Ⅰ-1",
        "公共环境",
        [
            (
                "Ⅱ-1",
                "市容市貌",
                [
                    (
                        "Ⅲ-1",
                        "主次干道和背街小巷",
                        [
                            C(
                                "主次干道、背街小巷路面干净，无暴露垃圾、无乱堆乱放、无占道经营。",
                                "10",
                                field=[
                                    (
                                        "09",
                                        [
                                            ("路面无暴露垃圾", "1"),
                                            ("无乱堆乱放", "1"),
                                            ("无占道经营", "1"),
                                            ("果皮箱完好、无满溢", "0.5"),
                                        ],
                                    ),
                                    (
                                        "10",
                                        [
                                            ("路面干净、无积存垃圾", "1"),
                                            ("无私搭乱建", "1"),
                                            ("无乱贴乱画", "0.5"),
                                        ],
                                    ),
                                ],
                                lead="县综合行政执法局",
                                responsible=("TOWNS",),
                            ),
                            C(
                                "户外广告、招牌设置规范，公益广告占比不低于 20%。",
                                "5",
                                field=[("09", [("公益广告数量达标", "1"), ("无破损广告牌", "0.5")])],
                                material=(
                                    "上报公益广告刊播情况统计。",
                                    [MaterialType.TABLE, MaterialType.PHOTO],
                                    None,
                                    6,
                                ),
                                lead="县委宣传部",
                                responsible=("县综合行政执法局",),
                            ),
                        ],
                    ),
                    (
                        "Ⅲ-2",
                        "农贸市场",
                        [
                            C(
                                "农贸市场划行归市，环境卫生整洁，公平秤设置到位。",
                                "8",
                                field=[
                                    (
                                        "17",
                                        [
                                            ("地面干净、无积水", "1"),
                                            ("划行归市、摊位整齐", "1"),
                                            ("设置公平秤", "0.5"),
                                            ("无活禽散养", "1"),
                                            ("公益广告不少于 3 处", "0.5"),
                                        ],
                                    )
                                ],
                                lead="县市场监督管理局",
                                responsible=("县商务局", "城关街道"),
                            ),
                        ],
                    ),
                    (
                        "Ⅲ-3",
                        "公共卫生间与公园广场",
                        [
                            C(
                                "公共卫生间干净无异味，设施完好，有专人管理。",
                                "4",
                                field=[
                                    (
                                        "12",
                                        [
                                            ("无异味、无蚊蝇", "1"),
                                            ("洗手设施完好", "0.5"),
                                            ("有保洁公示牌", "0.5"),
                                        ],
                                    )
                                ],
                                lead="县综合行政执法局",
                            ),
                            C(
                                "公共广场、公园无乱扔垃圾、无损毁绿化，文明提示牌设置规范。",
                                "4",
                                field=[
                                    (
                                        "11",
                                        [
                                            ("无乱扔垃圾", "1"),
                                            ("无损毁绿化", "0.5"),
                                            ("文明提示牌设置规范", "0.5"),
                                        ],
                                    )
                                ],
                                lead="县住房和城乡建设局",
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Ⅱ-2",
                "交通秩序",
                [
                    (
                        "Ⅲ-4",
                        "文明交通",
                        [
                            C(
                                "主要交通路口机动车礼让行人，非机动车不闯红灯，有文明交通志愿者。",
                                "8",
                                field=[
                                    (
                                        "21",
                                        [
                                            ("机动车礼让行人", "1"),
                                            ("行人、非机动车不闯红灯", "1"),
                                            ("有文明交通志愿者", "0.5"),
                                        ],
                                    )
                                ],
                                lead="县公安局交警大队",
                                responsible=("县交通运输局",),
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "Ⅰ-2",
        "公共服务",
        [
            (
                "Ⅱ-3",
                "窗口服务",
                [
                    (
                        "Ⅲ-5",
                        "窗口单位与热线",
                        [
                            C(
                                "窗口单位服务规范，有便民设施、文明用语和投诉渠道。",
                                "6",
                                field=[
                                    (
                                        "19",
                                        [
                                            ("公示服务承诺", "0.5"),
                                            ("设置便民服务设施", "0.5"),
                                            ("工作人员文明用语", "1"),
                                        ],
                                    )
                                ],
                                lead="县行政审批服务局",
                            ),
                            C(
                                "在正常工作时间拨打 12345 热线，应在 30 秒内接通并规范应答。",
                                "5",
                                RuleKind.PASS_FAIL,
                                simulation="工作日 9:00–11:30、14:00–17:00 拨打 12345，记录接通时长和应答用语。",
                                lead="县大数据中心",
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Ⅱ-4",
                "公共文化",
                [
                    (
                        "Ⅲ-6",
                        "公共文化设施",
                        [
                            C(
                                "公共文化设施免费开放，开放时间公示，活动常态开展。",
                                "5",
                                field=[
                                    (
                                        "13",
                                        [("公示开放时间", "0.5"), ("免费开放", "1"), ("有活动记录", "0.5")],
                                    )
                                ],
                                material=(
                                    "上报本季度文化活动开展情况说明。",
                                    [MaterialType.REPORT, MaterialType.PHOTO],
                                    800,
                                    5,
                                ),
                                lead="县文化和旅游局",
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "Ⅰ-3",
        "思想道德",
        [
            (
                "Ⅱ-5",
                "核心价值观",
                [
                    (
                        "Ⅲ-7",
                        "宣传教育",
                        [
                            C(
                                "市民对社会主义核心价值观的知晓率高。",
                                "6",
                                RuleKind.GRADED,
                                GRADED,
                                survey=("您知道社会主义核心价值观的内容吗？", "0.80", "知道、基本知道"),
                                lead="县委宣传部",
                                responsible=("TOWNS",),
                            ),
                            C(
                                "群众对创建全国文明城市的支持率高。",
                                "6",
                                RuleKind.GRADED,
                                GRADED,
                                survey=("您支持本县创建全国文明城市吗？", "0.90", "支持、非常支持"),
                                lead="县委宣传部",
                            ),
                        ],
                    ),
                    (
                        "Ⅲ-8",
                        "道德典型",
                        [
                            C(
                                "每获得一项市级以上道德模范、身边好人等荣誉称号得 1 分，最多 4 分。",
                                "0",
                                RuleKind.BONUS,
                                {"per_item": "1", "cap": "4"},
                                material=(
                                    "上报荣誉称号证书或公示文件。",
                                    [MaterialType.REGULATION, MaterialType.PHOTO],
                                    None,
                                    4,
                                ),
                                lead="县委宣传部",
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Ⅱ-6",
                "未成年人思想道德建设",
                [
                    (
                        "Ⅲ-9",
                        "未成年人工作",
                        [
                            C(
                                "未成年人思想道德建设测评得分不低于 85 分，否则总成绩无效。",
                                "0",
                                RuleKind.PREREQUISITE,
                                {"minimum": "85"},
                                lead="县教育和体育局",
                                responsible=("团县委", "县妇联"),
                            ),
                            C(
                                "学校周边环境整洁，无网吧、游戏厅，无流动摊点。",
                                "6",
                                field=[
                                    (
                                        "25",
                                        [
                                            ("200 米内无网吧", "1"),
                                            ("无流动摊点", "1"),
                                            ("交通秩序良好", "0.5"),
                                        ],
                                    ),
                                    ("29", [("不接纳未成年人", "1"), ("设置禁入标志", "0.5")]),
                                ],
                                lead="县教育和体育局",
                                responsible=("县公安局", "县文化和旅游局"),
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "Ⅰ-4",
        "长效机制",
        [
            (
                "Ⅱ-7",
                "组织领导",
                [
                    (
                        "Ⅲ-10",
                        "工作机制",
                        [
                            C(
                                "成立创建工作领导小组，制定年度工作方案，定期研究部署。",
                                "6",
                                material=(
                                    "上报领导小组文件、年度方案和会议纪要。",
                                    [MaterialType.REGULATION, MaterialType.REPORT],
                                    1500,
                                    None,
                                ),
                                lead="县委办公室",
                                responsible=("县政府办公室",),
                            ),
                            C(
                                "问题整改按期结案率达到 90% 以上。",
                                "6",
                                RuleKind.GRADED,
                                {"tiers": [["0.90", "1"], ["0.80", "0.5"]]},
                                material=("上报本季度问题整改台账。", [MaterialType.TABLE], None, None),
                                lead="县综合行政执法局",
                                responsible=("TOWNS",),
                            ),
                        ],
                    ),
                    (
                        "Ⅲ-11",
                        "负面清单",
                        [
                            C(
                                "被中央、省级媒体曝光的不文明问题，每起扣 2 分，最多扣 10 分。",
                                "0",
                                RuleKind.NEGATIVE_LIST,
                                {"per_item": "2", "cap": "10"},
                                lead="县委宣传部",
                            ),
                            C(
                                "发生重大安全生产责任事故或重大群体性事件的，一票否决。",
                                "0",
                                RuleKind.VETO,
                                lead="县应急管理局",
                                responsible=("县委政法委",),
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Ⅱ-8",
                "群众参与",
                [
                    (
                        "Ⅲ-12",
                        "志愿服务",
                        [
                            C(
                                "注册志愿者占城区常住人口比例不低于 13%，志愿服务活动常态开展。",
                                "9",
                                material=(
                                    "上报志愿者注册统计表和活动照片。",
                                    [MaterialType.TABLE, MaterialType.PHOTO],
                                    None,
                                    8,
                                ),
                                survey=("您参加过志愿服务活动吗？", "0.75", "参加过"),
                                lead="团县委",
                                responsible=("TOWNS",),
                            ),
                            C(
                                "群众对创建工作的满意率高。",
                                "6",
                                RuleKind.GRADED,
                                GRADED,
                                survey=("您对本县创建文明城市工作满意吗？", "0.80", "满意、非常满意"),
                                lead="县委宣传部",
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
]


def demo_edition_loaded() -> bool:
    return Edition.objects.filter(name=EDITION_NAME).exists()


@transaction.atomic
def build_demo_edition() -> Edition:
    """The local quarterly edition, made active, and its task breakdown. Needs the demo county."""
    if demo_edition_loaded():
        return Edition.objects.get(name=EDITION_NAME)
    Edition.objects.filter(active=True).update(active=False)
    edition = Edition.objects.create(
        name=EDITION_NAME,
        level=EditionLevel.LOCAL,
        year=2026,
        status=EditionStatus.PUBLISHED,
        active=True,
        note="示范县创建办制定的季度测评体系，满分 100 分，另有加分、扣分、否决和前置条件。",
    )
    builder = EditionBuilder(edition)
    types = {t.code: t for t in SiteType.objects.all()}
    assignments = []
    for p_code, p_title, indicators in TREE:
        for i_code, i_title, contents in indicators:
            for c_code, c_title, criteria in contents:
                node = builder.node([(p_code, p_title), (i_code, i_title), (c_code, c_title)])
                for spec in criteria:
                    criterion, _ = builder.criterion(
                        node,
                        spec.text,
                        code=c_code,
                        points=Decimal(spec.points),
                        rule_kind=spec.rule_kind,
                        rule=spec.rule,
                    )
                    _requirements(builder, criterion, spec, types)
                    assignments.append((criterion, spec))
    _tasks(assignments)
    return edition


def _requirements(builder: EditionBuilder, criterion, spec: C, types: dict[str, SiteType]) -> None:
    for code, checks in spec.field:
        site_type = types[code]
        builder.requirement(
            criterion,
            kind=MethodKind.FIELD,
            site_label=site_type.name,
            site_types=[site_type],
            text="；".join(text for text, _ in checks),
            check_items=[(text, Decimal(deduction)) for text, deduction in checks],
        )
    if spec.material:
        text, kinds, words, photos = spec.material
        builder.requirement(
            criterion,
            kind=MethodKind.MATERIAL,
            text=text,
            material_types=list(kinds),
            word_limit=words,
            photo_limit=photos,
        )
    if spec.survey:
        question, target, answers = spec.survey
        builder.requirement(
            criterion,
            kind=MethodKind.SURVEY,
            question=question,
            text=question,
            target_rate=Decimal(target),
            favourable_answers=answers,
        )
    if spec.simulation:
        builder.requirement(criterion, kind=MethodKind.SIMULATION, text=spec.simulation)


def _tasks(assignments: list) -> None:
    """Assign every criterion with a lead unit; give the shares deterministic progress with a history."""
    rng = random.Random(SEED)
    admin = Person.objects.filter(username="admin").first()
    if admin is None:
        return
    units = {u.name: u for u in Unit.objects.exclude(kind=UnitKind.COMMUNITY)}
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("path"))
    handlers = {p.unit_id: p for p in Person.objects.filter(role="unit_handler").order_by("username")}
    for criterion, spec in assignments:
        if spec.lead not in units:
            continue
        task = Task.objects.create(
            edition=criterion.edition,
            criterion=criterion,
            created_by=admin,
            deadline=date(2026, 12, rng.choice([10, 15, 20, 25, 31])),
            note="按季度测评要求落实。",
        )
        responsible = [town for name in spec.responsible if name == "TOWNS" for town in towns]
        responsible += [units[name] for name in spec.responsible if name in units]
        shares = [TaskUnit(task=task, unit=units[spec.lead], is_lead=True)]
        shares += [TaskUnit(task=task, unit=u) for u in dict.fromkeys(responsible) if u != units[spec.lead]]
        for share in shares:
            share.progress = rng.choice(
                [
                    Progress.NOT_STARTED,
                    Progress.IN_PROGRESS,
                    Progress.IN_PROGRESS,
                    Progress.REPORTED,
                    Progress.CONFIRMED,
                ]
            )
        TaskUnit.objects.bulk_create(shares)
        events = [
            TaskEvent(
                task=task,
                action=TaskEventKind.ASSIGNED,
                actor=admin,
                note=task.note,
                data={"lead": spec.lead, "deadline": str(task.deadline)},
            )
        ]
        for share in shares:
            events += _history(share, admin, handlers.get(share.unit_id), rng)
        TaskEvent.objects.bulk_create(events)


def _history(share: TaskUnit, admin: Person, handler: Person | None, rng: random.Random) -> list[TaskEvent]:
    by_progress: dict[str, list[tuple[str, str, str, str]]] = {
        Progress.NOT_STARTED: [],
        Progress.IN_PROGRESS: [
            (TaskEventKind.PROGRESS, Progress.NOT_STARTED, Progress.IN_PROGRESS, "已制定工作方案，正在推进。")
        ],
        Progress.REPORTED: [
            (TaskEventKind.REPORTED, Progress.NOT_STARTED, Progress.REPORTED, "已按要求完成，请审核。")
        ],
        Progress.CONFIRMED: [
            (TaskEventKind.REPORTED, Progress.NOT_STARTED, Progress.REPORTED, "已按要求完成，请审核。"),
            (TaskEventKind.CONFIRMED, Progress.REPORTED, Progress.CONFIRMED, ""),
        ],
    }
    steps = by_progress[share.progress]
    events = [
        TaskEvent(
            task=share.task,
            task_unit=share,
            action=kind,
            from_state=before,
            to_state=after,
            note=note,
            actor=admin if kind == TaskEventKind.CONFIRMED else (handler or admin),
        )
        for kind, before, after, note in steps
    ]
    if share.progress == Progress.NOT_STARTED and rng.random() < 0.5:
        events.append(
            TaskEvent(
                task=share.task,
                task_unit=share,
                action=TaskEventKind.REMINDED,
                actor=admin,
                note="请尽快启动并报送进展。",
            )
        )
    return events


def load_shipped_edition() -> Edition | None:
    """The real 2016 district edition, published but not active, when its CSV is beside the project."""
    existing = Edition.objects.filter(name=SHIPPED_NAME).first()
    if existing or not shipped_csv_path().exists():
        return existing
    return load_csv(shipped_csv_path().read_text(encoding="utf-8"), name=SHIPPED_NAME).edition
