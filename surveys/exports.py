"""Survey files: questionnaire Excel (export and import), the question bank of the 2016 edition, the run's Excel
of responses and rates, and the Word summary."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from core.excel import (
    Column,
    ImportProblem,
    ImportReport,
    choice_labels,
    choice_parser,
    open_workbook,
    problems_from_validation,
    read_sheet,
)
from core.http import safe_filename
from core.workbooks import Column as SheetColumn
from core.workbooks import ExcelFile, Kind, Title
from org.models import Person
from surveys import actions, queries
from surveys.models import (
    Answer,
    Channel,
    Question,
    QuestionKind,
    Questionnaire,
    RateKind,
    Response,
    SurveyRun,
)
from surveys.rates import Rate

QUESTION_SHEET = "题目"
QUESTION_COLUMNS = [
    Column("order", "序号", required=True),
    Column(
        "kind",
        "题型",
        required=True,
        help="单选 / 多选 / 评分 / 简答",
        parse=choice_parser(QuestionKind),
        choices=choice_labels(QuestionKind),
    ),
    Column("text", "题目", required=True),
    Column("options", "选项", help="每行一个选项（单元格内换行），按 A、B、C… 编码"),
    Column("favourable", "满意/肯定选项", help="如 A,B；评分题填最低满意分，如 4"),
    Column("scale_max", "分值", help="评分题的最高分，默认 5"),
    Column(
        "rate_kind",
        "率",
        help="知晓率 / 支持率 / 满意率 / 参与率 / 其他比率",
        parse=choice_parser(RateKind),
        choices=choice_labels(RateKind),
    ),
    Column("target", "目标(%)", help="如 80"),
    Column("criterion", "测评标准", help="如 Ⅲ-84"),
    Column("required", "必答", help="是/否"),
]


QUESTION_KINDS = {
    "order": Kind.INTEGER,
    "options": Kind.LONG,
    "text": Kind.LONG,
    "scale_max": Kind.INTEGER,
    "target": Kind.NUMBER,
}


def questionnaire_workbook(questionnaire: Questionnaire) -> bytes:
    """The questions in the words the form shows (单选, 满意率), read back by `import_questionnaire`. In
    Chinese like its headers, whatever the language of the page it was asked from."""
    with translation.override("zh-hans"):
        return _questionnaire_workbook(questionnaire)


def _questionnaire_workbook(questionnaire: Questionnaire) -> bytes:
    excel = ExcelFile()
    columns = [
        SheetColumn(
            c.header,
            QUESTION_KINDS.get(c.key, Kind.TEXT),
            decimals=1,
            choices=c.choices() if c.choices else (),
        )
        for c in QUESTION_COLUMNS
    ]
    sheet = excel.sheet(QUESTION_SHEET, columns, Title(f"问卷：{questionnaire.name}"))
    for question in questionnaire.questions.all():
        favourable = (
            str(question.favourable_min or "")
            if question.kind == QuestionKind.RATING
            else ",".join(question.favourable_options)
        )
        target = None if question.target_rate is None else question.target_rate * 100
        sheet.append(
            [
                question.order,
                question.get_kind_display(),
                question.text,
                "\n".join(question.options),
                favourable,
                question.scale_max,
                question.get_rate_kind_display() if question.rate_kind else "",
                target,
                question.criterion_code,
                "是" if question.required else "否",
            ]
        )
    return excel.to_bytes()


def _question_fields(values: dict) -> dict:
    kind = values["kind"]
    favourable = str(values.get("favourable", "")).replace("，", ",")
    target = values.get("target")
    fields = {
        "order": int(float(values["order"])),
        "kind": kind,
        "text": values["text"],
        "options": [line.strip() for line in str(values.get("options", "")).splitlines() if line.strip()],
        "scale_max": int(float(values.get("scale_max") or 5)),
        "rate_kind": values.get("rate_kind", ""),
        "criterion_code": values.get("criterion", ""),
        "required": values.get("required", "是") != "否",
        "target_rate": (Decimal(str(target)) / 100).quantize(Decimal("0.001")) if target else None,
    }
    if kind == QuestionKind.RATING:
        fields["favourable_min"] = int(float(favourable)) if favourable else None
    else:
        fields["favourable_options"] = [
            code.strip().upper() for code in favourable.split(",") if code.strip()
        ]
    return fields


def import_questionnaire(actor: Person, questionnaire: Questionnaire, upload) -> ImportReport:
    """Append the questions of a workbook; any bad row → nothing imported, every problem named."""
    report = ImportReport()
    try:
        workbook = open_workbook(upload)
    except ValidationError as exc:
        report.problems.append(ImportProblem(QUESTION_SHEET, None, "", exc.messages[0]))
        return report
    rows = read_sheet(workbook, QUESTION_SHEET, QUESTION_COLUMNS, report.problems)
    if not report.sheet_is_readable:
        return report
    with transaction.atomic():
        for row in rows:
            if not row.ok:
                continue
            try:
                report.created.append(
                    actions.save_question(actor, questionnaire, None, **_question_fields(row.values))
                )
            except (ValidationError, ValueError, ArithmeticError) as exc:
                error = exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
                report.problems.extend(problems_from_validation(QUESTION_SHEET, row, error))
        if report.problems:
            transaction.set_rollback(True)
            report.created = []
    return report


# --- The question bank of the shipped 2016 edition -------------------------------------------------

BANK_FILE = "framework_nankai_2016.csv"
FAVOURABLE_SCALE = ["满意", "比较满意", "一般", "不太满意", "不满意"]


def bank_path() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data" / BANK_FILE


def bank_items(framework: str = "city") -> list[dict]:
    """The 问卷调查 rows of the 2016 edition: one question per numbered part (①, ②) of each requirement."""
    path = bank_path()
    if not path.exists():
        return []
    items = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["method"] != "问卷调查" or row["framework"] != framework:
                continue
            for part in _split_parts(row["requirement_text"]):
                items.append({"text": part, "criterion": row["content_code"]})
    return items


def _split_parts(text: str) -> list[str]:
    parts = [p.strip(" ；;。\n") for p in text.replace("②", "①").replace("③", "①").split("①")]
    return [p + "？" if not p.endswith("？") else p for p in parts if p]


def import_bank(actor: Person, questionnaire: Questionnaire, framework: str = "city") -> int:
    """Add the bank's questions as five-point satisfaction or yes/no questions, favourable as usual."""
    count = 0
    with transaction.atomic():
        for item in bank_items(framework):
            text = item["text"]
            yes_no = text.startswith(("是否", "在本区生活中是否"))
            fields = {
                "kind": QuestionKind.SINGLE,
                "text": text,
                "criterion_code": item["criterion"],
                "options": ["是", "否"] if yes_no else FAVOURABLE_SCALE,
                "favourable_options": ["A"] if yes_no else ["A", "B"],
                "rate_kind": RateKind.PARTICIPATION if yes_no else RateKind.SATISFACTION,
                "target_rate": Decimal("0.800"),
            }
            if "支持率" in text:
                fields.update(
                    options=["支持", "不支持", "说不清"], favourable_options=["A"], rate_kind=RateKind.SUPPORT
                )
            actions.save_question(actor, questionnaire, None, **fields)
            count += 1
    return count


# --- Run reports ------------------------------------------------------------------------------------


RATE_COLUMNS = [
    SheetColumn("版本", Kind.CODE),
    SheetColumn("题目", Kind.LONG),
    SheetColumn("测评标准", Kind.CODE),
    SheetColumn("有效回答", Kind.INTEGER),
    SheetColumn("肯定回答", Kind.INTEGER),
    SheetColumn("率", Kind.PERCENT),
    SheetColumn("95%下限", Kind.PERCENT),
    SheetColumn("95%上限", Kind.PERCENT),
    SheetColumn("目标", Kind.PERCENT),
    SheetColumn("结果"),
]
RESPONSE_COLUMNS = [
    SheetColumn("编号", Kind.INTEGER),
    SheetColumn("版本", Kind.CODE),
    SheetColumn("渠道"),
    SheetColumn("街道/乡镇"),
    SheetColumn("社区"),
    SheetColumn("调查员"),
    SheetColumn("年龄", Kind.INTEGER),
    SheetColumn("居住月数", Kind.INTEGER),
    SheetColumn("剔除原因"),
    SheetColumn("用时(秒)", Kind.INTEGER),
    SheetColumn("过快"),
    SheetColumn("疑似重复"),
    SheetColumn("提交时间", Kind.DATETIME),
]


def _answer_cells(responses: QuerySet[Response], column: dict[int, int]) -> dict[int, list[str | int]]:
    """Each response's answers as the cells of its row, one column per question."""
    cells: dict[int, list[str | int]] = {}
    answers = Answer.objects.filter(response__in=responses.values("pk")).values_list(
        "response_id", "question_id", "choices", "rating", "text"
    )
    for response_id, question_id, choices, rating, text in answers.iterator(chunk_size=5000):
        if question_id not in column:
            continue
        row = cells.setdefault(response_id, [""] * len(column))
        row[column[question_id]] = ",".join(choices) or (rating if rating is not None else text)
    return cells


# A run with more responses than this is exported in the background with a progress page (the writer managed some
# 30,000 cells a second on openpyxl, more on XlsxWriter: 500 responses of 20 questions take under half a second).
DIRECT_EXPORT_RESPONSES = 500


def run_export_filename(run: SurveyRun) -> str:
    return safe_filename(f"{run.name}（问卷调查答卷与比率）.xlsx")


def run_workbook(
    run: SurveyRun, responses: QuerySet[Response], progress: Callable[[int], None] | None = None
) -> bytes:
    """Two sheets: rates per question (with interval and target) and every response with its answers;
    `progress` hears the count of rows written, every few hundred."""
    excel = ExcelFile()
    period = f"{run.starts_on:%Y-%m-%d} 至 {run.ends_on:%Y-%m-%d}"
    rates_sheet = excel.sheet("率", RATE_COLUMNS, Title(f"{run.name} 各题比率", period=period))
    status_names = {"met": "达标", "close": "接近", "missed": "未达标", "": ""}
    for row in queries.rates(run, responses):
        rate: Rate = row.rate
        low, high = rate.interval
        rates_sheet.append(
            [
                row.question.questionnaire.group_code,
                row.question.text,
                row.question.criterion_code,
                rate.valid,
                rate.favourable,
                rate.value,
                low,
                high,
                rate.target,
                status_names[rate.status],
            ]
        )
    questions = list(
        Question.objects.filter(questionnaire__runs=run)
        .select_related("questionnaire")
        .order_by("questionnaire__group_code", "order")
    )
    answer_columns = [SheetColumn(f"{q.questionnaire.group_code}{q.order}. {q.text[:30]}") for q in questions]
    sheet = excel.sheet("答卷", RESPONSE_COLUMNS + answer_columns, Title(f"{run.name} 答卷", period=period))
    answers = _answer_cells(responses, {q.pk: i for i, q in enumerate(questions)})
    channels = dict(Channel.choices)
    rows = responses.order_by("pk").values_list(
        "pk",
        "questionnaire__group_code",
        "channel",
        "town__name",
        "unit__name",
        "surveyor__full_name",
        "surveyor__username",
        "age",
        "residence_months",
        "screen_reason",
        "duration_seconds",
        "too_fast",
        "possible_duplicate",
        "submitted_at",
    )
    # Tuples, not models: a run has thousands of responses and ten times as many answers (4 s as models).
    for pk, group, channel, town, unit, surveyor_name, surveyor_login, *rest in rows.iterator(
        chunk_size=2000
    ):
        age, months, screened, seconds, too_fast, duplicate, submitted_at = rest
        sheet.append(
            [
                pk,
                group,
                str(channels.get(channel, channel)),
                town or "",
                unit or "",
                surveyor_name or surveyor_login or "",
                age,
                months,
                screened,
                seconds,
                "是" if too_fast else "",
                "是" if duplicate else "",
                submitted_at,
                *answers.get(pk, [""] * len(questions)),
            ]
        )
    return excel.to_bytes()
