"""The evaluation framework (测评体系) as data: editions, their node tree, criteria, method requirements,
site types and their checklists, and the task breakdown (任务分解) of criteria to units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import Event, Versioned, action_field, state_field
from core.text import clause
from framework.rules import RuleKind, check_rule
from org.models import Unit

RATE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class EditionLevel(models.TextChoices):
    NATIONAL = "national", _("National (city)")
    PROVINCIAL = "provincial", _("Provincial")
    COUNTY = "county", _("County")
    LOCAL = "local", _("Local")


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Edition(models.Model):
    """One edition of a framework (测评体系版本). Codes inside it are labels, never keys across editions."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=EditionLevel.choices)
    year = models.PositiveIntegerField(_("year"))
    active = models.BooleanField(
        _("active"), default=False, help_text=_("The edition inspections and checklists use now.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("framework edition")
        verbose_name_plural = _("framework editions")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT


class NodeLevel(models.IntegerChoices):
    PROJECT = 1, _("Project (测评项目)")
    INDICATOR = 2, _("Indicator (测评指标)")
    CONTENT = 3, _("Content (测评内容)")


class Node(models.Model):
    """A node of the tree above the criteria. A level may be skipped where the source has none (kept as is)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=NodeLevel.choices)
    code = models.CharField(_("code"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def clean(self) -> None:
        if self.parent is not None and self.parent.level >= self.level:
            raise ValidationError({"parent": _("A node must sit below a node of a higher level.")})
        if self.parent is not None and self.parent.edition_id != self.edition_id:
            raise ValidationError({"parent": _("The parent belongs to another edition.")})

    def path(self) -> list[Node]:
        chain: list[Node] = []
        node: Node | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


class Criterion(models.Model):
    """测评标准: the scored leaf. `rule` holds the rule's parameters (see framework.rules)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=30, blank=True)
    text = models.TextField(_("standard"))
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=Decimal(0))
    rule_kind = models.CharField(
        _("scoring rule"), max_length=20, choices=RuleKind.choices, default=RuleKind.DEDUCTION
    )
    rule = models.JSONField(_("rule parameters"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {clause(self.text, 40)}".strip()

    def clean(self) -> None:
        if self.node_id and self.node.edition_id != self.edition_id:
            raise ValidationError({"node": _("The node belongs to another edition.")})
        check_rule(self.rule_kind, self.rule)


class MethodKind(models.TextChoices):
    FIELD = "field", _("Field inspection (实地考察)")
    MATERIAL = "material", _("Material review (网上申报)")
    SURVEY = "survey", _("Survey (问卷调查)")
    SIMULATION = "simulation", _("Simulation (实景模拟)")


class MaterialType(models.TextChoices):
    REGULATION = "regulation", _("Regulation document (规范文件)")
    REPORT = "report", _("Written report (说明报告)")
    TABLE = "table", _("Statistics table (统计表格)")
    PHOTO = "photo", _("Site photos (实景图片)")


class SiteType(models.Model):
    """点位类型: the kind of place inspected; its checklist comes from the active edition."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("site type")
        verbose_name_plural = _("site types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """What one method asks for a criterion. Fields apply by kind: field → site types and check items;
    material → material types and limits; survey → question, target and favourable answers; simulation → text."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(_("method"), max_length=20, choices=MethodKind.choices)
    text = models.TextField(_("requirement"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    site_label = models.CharField(_("sites as written"), max_length=300, blank=True)
    site_types = models.ManyToManyField(SiteType, verbose_name=_("site types"), blank=True)
    material_types = models.JSONField(_("material types"), default=list, blank=True)
    word_limit = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    photo_limit = models.PositiveIntegerField(_("photo limit"), null=True, blank=True)
    question = models.TextField(_("survey question"), blank=True)
    target_rate = models.DecimalField(
        _("target rate"), max_digits=5, decimal_places=4, null=True, blank=True, validators=RATE_VALIDATORS
    )
    favourable_answers = models.CharField(_("favourable answers"), max_length=300, blank=True)
    source_row = models.CharField(_("source row"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("method requirement")
        verbose_name_plural = _("method requirements")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {clause(self.text, 40)}"

    def clean(self) -> None:
        unknown = set(self.material_types or []) - set(MaterialType.values)
        if unknown:
            raise ValidationError(
                {
                    "material_types": _("Unknown material types: %(types)s")
                    % {"types": ", ".join(sorted(unknown))}
                }
            )

    def material_type_labels(self) -> list[str]:
        return [
            str(MaterialType(value).label) for value in self.material_types if value in MaterialType.values
        ]


class CheckItem(models.Model):
    """检查项: one line to check at a site, tied (through its field requirement) to a criterion."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="check_items")
    text = models.TextField(_("check"))
    deduction = models.DecimalField(_("deduction"), max_digits=6, decimal_places=2, default=Decimal(0))
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return clause(self.text, 60)


# --- Task breakdown (任务分解) -----------------------------------------------------------------


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported done")
    CONFIRMED = "confirmed", _("Confirmed")


class Task(models.Model):
    """A criterion (or a whole node) assigned to one lead unit and several responsible units, with a deadline."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tasks")
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    deadline = models.DateField(_("deadline"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(criterion__isnull=False, node__isnull=True)
                | models.Q(criterion__isnull=True, node__isnull=False),
                name="task_is_for_a_criterion_or_a_node",
            )
        ]

    def __str__(self) -> str:
        return str(self.criterion or self.node)

    def subject_text(self) -> str:
        return self.criterion.text if self.criterion is not None else str(self.node)

    def anchor_node(self) -> Node:
        node = self.criterion.node if self.criterion is not None else self.node
        if node is None:  # the check constraint: a task is for a criterion or a node
            raise ValueError(f"task {self.pk} has neither a criterion nor a node")
        return node


class TaskUnit(Versioned):
    """One unit's share of a task and its progress. Versioned: the office confirms or returns the report its page
    showed, and a unit reports on the state it saw; a share that moved since is refused."""

    OPEN_PROGRESS: ClassVar[set[str]] = {Progress.NOT_STARTED, Progress.IN_PROGRESS}
    CAN_REPORT: ClassVar[set[str]] = {Progress.NOT_STARTED, Progress.IN_PROGRESS}
    overdue: bool  # not a column: set on the rows of 我的任务 for display

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="task_units")
    is_lead = models.BooleanField(_("lead unit"), default=False)
    progress = models.CharField(
        _("progress"), max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task unit")
        verbose_name_plural = _("task units")
        ordering = ["-is_lead", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="task_unit_once")]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    def can_report(self) -> bool:
        return self.progress in self.CAN_REPORT

    def is_reported(self) -> bool:
        return self.progress == Progress.REPORTED

    def is_confirmed(self) -> bool:
        return self.progress == Progress.CONFIRMED

    def is_overdue(self, today: date) -> bool:
        """Past the deadline and not yet reported done."""
        return self.progress in self.OPEN_PROGRESS and self.task.deadline < today


class TaskEventKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    PROGRESS = "progress", _("Progress reported")
    REPORTED = "reported", _("Reported done")
    CONFIRMED = "confirmed", _("Confirmed by the office")
    RETURNED = "returned", _("Returned to the unit")
    REMINDED = "reminded", _("Reminder (催办)")


class TaskEvent(Event):
    """The history of a task: every transition, reminder and feedback, with who and when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    task_unit = models.ForeignKey(
        TaskUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = action_field(TaskEventKind.choices, _("event"))
    # The progress of the unit's share before and after.
    from_state = state_field(Progress.choices, _("from"))
    to_state = state_field(Progress.choices, _("to"))

    class Meta(Event.Meta):
        verbose_name = _("task event")
        verbose_name_plural = _("task events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"

    def is_reminder(self) -> bool:
        return self.action == TaskEventKind.REMINDED


def attachment_path(instance: TaskAttachment, filename: str) -> str:
    # The stored name is ours, never the uploaded one: the original name is kept in `name` for download.
    return f"framework/tasks/{instance.event.task_id}/{instance.event_id}/{instance.token}"


class TaskAttachment(models.Model):
    event = models.ForeignKey(TaskEvent, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    token = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "content_type": self.content_type, "size": self.size}
