"""Excel exports of the framework app: the task breakdown in the layout offices use."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.excel import active_sheet
from framework.models import Edition, Task
from framework.queries import breakdown_rows

BREAKDOWN_HEADERS = ["项目", "指标", "内容", "标准", "牵头单位", "责任单位", "完成时限", "进度"]
WIDTHS = [18, 18, 22, 50, 16, 30, 12, 30]


def breakdown_workbook(tasks: QuerySet[Task], edition: Edition | None) -> bytes:
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.title = "任务分解表"
    sheet.append(BREAKDOWN_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in breakdown_rows(tasks, edition):
        sheet.append(values)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
