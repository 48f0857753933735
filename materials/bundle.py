"""The national online submission bundle (网上申报材料包): the accepted materials of a period as a ZIP organised by
测评项目/测评指标/测评内容/测评标准/单位, with an Excel index (索引.xlsx) of every file and a list of what is still
missing. Built in the background (jobs.GeneratedFile) with progress."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch

from core import officialdoc as od
from core.models import Period
from core.workbooks import Column, ExcelFile, Kind, Title
from framework.models import Criterion, MaterialType, Node
from framework.queries import node_paths
from materials.models import MaterialFile, MaterialRequest, RequestState, Submission

INDEX_NAME = "索引.xlsx"
INDEX_COLUMNS = [
    "序号",
    "测评项目",
    "测评指标",
    "测评内容",
    "测评标准",
    "责任单位",
    "材料类型",
    "文件名",
    "包内路径",
    "大小(KB)",
    "版本",
    "报送时间",
    "审核时间",
    "得分",
    "满分",
]
MISSING_COLUMNS = ["测评项目", "测评指标", "测评内容", "测评标准", "责任单位", "状态", "完成时限"]
COLUMN_KINDS = {
    "序号": Kind.INTEGER,
    "测评标准": Kind.LONG,
    "包内路径": Kind.LONG,
    "大小(KB)": Kind.NUMBER,
    "版本": Kind.INTEGER,
    "报送时间": Kind.DATETIME,
    "审核时间": Kind.DATETIME,
    "得分": Kind.NUMBER,
    "满分": Kind.NUMBER,
    "完成时限": Kind.DATE,
}


def _columns(titles: list[str]) -> list[Column]:
    return [
        Column(title, COLUMN_KINDS.get(title, Kind.TEXT), decimals=1 if title == "大小(KB)" else 2)
        for title in titles
    ]


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe(name: str, limit: int = 40) -> str:
    """A path component that every unpacking tool accepts: no separators or reserved characters, bounded."""
    cleaned = _UNSAFE.sub("_", name).strip().strip(".")
    return (cleaned[:limit].rstrip() or "_") if cleaned else "_"


def safe_filename(name: str, limit: int = 80) -> str:
    """Like `safe`, keeping the extension however long the name is."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 8:
        return safe(name, limit)
    suffix = safe(suffix, 8)
    return f"{safe(stem, limit - len(suffix) - 1)}.{suffix}"


def _label(node: Node) -> str:
    return f"{node.code} {node.title}".strip()


@dataclass
class Entry:
    levels: list[str]
    criterion: Criterion
    request: MaterialRequest
    submission: Submission


def _folders(criterion: Criterion, path: list[Node], orders: dict[int, int]) -> list[str]:
    """Numbered folders in tree order: 01 Ⅰ-1 公共环境/02 Ⅱ-1 市容市貌/…/03 标准 …"""
    parts = [f"{orders[node.pk]:02d} {safe(_label(node))}" for node in path]
    title = f"{criterion.code} {criterion.text}".strip()
    parts.append(f"{orders[-criterion.pk]:02d} {safe(title)}")
    return parts


def _orders(criteria: list[Criterion], paths: dict[int, list[Node]]) -> dict[int, int]:
    """The position of each node among its siblings (and each criterion, keyed −pk, within its node)."""
    siblings: dict[tuple, list] = {}
    for criterion in criteria:
        chain = paths[criterion.node_id]
        for depth, node in enumerate(chain):
            parent = chain[depth - 1].pk if depth else None
            bucket = siblings.setdefault(("n", parent), [])
            if node not in bucket:
                bucket.append(node)
        bucket = siblings.setdefault(("c", criterion.node_id), [])
        if criterion not in bucket:
            bucket.append(criterion)
    orders = {}
    for (kind, _parent), items in siblings.items():
        items.sort(key=lambda item: (item.sort_order, item.pk))
        for position, item in enumerate(items, start=1):
            orders[item.pk if kind == "n" else -item.pk] = position
    return orders


def accepted(period: Period, project: Node | None = None):
    requests = MaterialRequest.objects.filter(period=period).select_related("criterion__node", "unit")
    requests = requests.prefetch_related(
        Prefetch(
            "submissions",
            Submission.objects.filter(state=Submission.State.ACCEPTED)
            .order_by("-version")
            .prefetch_related(Prefetch("files", MaterialFile.objects.order_by("material_type", "pk"))),
        )
    )
    rows = list(requests.order_by("criterion__sort_order", "unit__path"))
    paths = node_paths({r.criterion.edition_id for r in rows})
    if project is not None:
        rows = [r for r in rows if paths[r.criterion.node_id][0].pk == project.pk]
    return rows, paths


def _report_docx(text: str, title: str, unit: str) -> bytes:
    """A unit's written report as a Word file on the 公文 page (GB/T 9704: A4, margins, 22 lines of 28 characters,
    a 小标宋 title and a 仿宋 body); not a document the office issues, so no masthead, number or 版记."""
    document = od.new_document(title, unit)
    od.paragraph(document, title, od.TITLE)
    for paragraph in text.splitlines():
        if paragraph.strip():
            od.paragraph(document, paragraph.strip(), od.BODY)
    od.paragraph(document, unit, od.SIGNATURE)
    return od.save(document)


def build_bundle(
    period: Period, project: Node | None, out, progress: Callable[[int], None] = lambda p: None
) -> dict:
    """Write the ZIP to the binary file `out`; returns counts. `progress` receives 0–100."""
    rows, paths = accepted(period, project)
    criteria = list({r.criterion_id: r.criterion for r in rows}.values())
    orders = _orders(criteria, paths)
    root = safe(f"{period} 网上申报材料")
    index = ExcelFile()
    title = Title("网上申报材料索引", _label(project) if project else "", str(period))
    sheet = index.sheet("材料索引", _columns(INDEX_COLUMNS), title)
    missing = index.sheet("未通过或未报送", _columns(MISSING_COLUMNS), title)
    files_written = 0
    total = max(len(rows), 1)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, request in enumerate(rows, start=1):
            criterion = request.criterion
            levels = {node.level: _label(node) for node in paths[criterion.node_id]}
            standard = f"{criterion.code} {criterion.text}".strip()
            submission = next(iter(request.submissions.all()), None)
            if request.state != RequestState.ACCEPTED or submission is None:
                missing.append(
                    [
                        levels.get(1, ""),
                        levels.get(2, ""),
                        levels.get(3, ""),
                        standard,
                        request.unit.name,
                        request.get_state_display(),
                        request.deadline,
                    ]
                )
                continue
            folder = "/".join(
                [root, *_folders(criterion, paths[criterion.node_id], orders), safe(request.unit.name)]
            )
            used: set[str] = set()
            # (kind, name, the content written here, or the stored file copied)
            items: list[tuple[str, str, bytes, MaterialFile | None]] = []
            if submission.text.strip():
                report = _report_docx(submission.text, standard, request.unit.name)
                items.append((MaterialType.REPORT, f"{_kind_label(MaterialType.REPORT)}.docx", report, None))
            for item in submission.files.all():
                items.append(
                    (item.material_type, f"{_kind_label(item.material_type)}_{item.name}", b"", item)
                )
            for kind, name, data, item in items:
                kind_label = _kind_label(kind)
                filename = safe_filename(name)
                stem, dot, suffix = filename.rpartition(".")
                counter = 2
                while filename in used:
                    filename = f"{stem}_{counter}.{suffix}" if dot else f"{filename}_{counter}"
                    counter += 1
                used.add(filename)
                target = f"{folder}/{filename}"
                if item is not None:
                    with item.file.open("rb") as source, archive.open(target, "w") as sink:
                        while chunk := source.read(1 << 20):
                            sink.write(chunk)
                    size = item.size
                else:
                    archive.writestr(target, data)
                    size = len(data)
                files_written += 1
                sheet.append(
                    [
                        files_written,
                        levels.get(1, ""),
                        levels.get(2, ""),
                        levels.get(3, ""),
                        standard,
                        request.unit.name,
                        kind_label,
                        filename,
                        target,
                        size / 1024,
                        submission.version,
                        submission.submitted_at,
                        request.reviewed_at,
                        request.score,
                        request.possible,
                    ]
                )
            progress(int(number * 90 / total))
        archive.writestr(f"{root}/{INDEX_NAME}", index.to_bytes())
    progress(100)
    return {"files": files_written, "requests": len(rows), "missing": missing.rows_written}


KIND_NAMES: dict[str, str] = {
    MaterialType.REGULATION: "规范文件",
    MaterialType.REPORT: "说明报告",
    MaterialType.TABLE: "统计表格",
    MaterialType.PHOTO: "实景图片",
}


def _kind_label(kind: str) -> str:
    """规范文件, 说明报告, 统计表格, 实景图片: the Chinese name inside the label's brackets."""
    return KIND_NAMES.get(kind, kind)


def spooled_zip() -> tempfile.SpooledTemporaryFile:
    return tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
