"""Excel exports of the framework app: the task breakdown in the layout offices use."""

from __future__ import annotations

from django.db.models import QuerySet

from core.workbooks import Column, ExcelFile, Kind, Title
from framework.models import Edition, Task
from framework.queries import breakdown_rows

BREAKDOWN_COLUMNS = [
    Column("项目"),
    Column("指标"),
    Column("内容"),
    Column("标准", Kind.LONG),
    Column("牵头单位"),
    Column("责任单位"),
    Column("完成时限", Kind.DATE),
    Column("进度", Kind.LONG),
]


def breakdown_workbook(tasks: QuerySet[Task], edition: Edition | None) -> bytes:
    excel = ExcelFile()
    title = Title("创建任务分解表", edition.name if edition else "")
    sheet = excel.sheet("任务分解表", BREAKDOWN_COLUMNS, title)
    sheet.extend(breakdown_rows(tasks, edition))
    return excel.to_bytes()
