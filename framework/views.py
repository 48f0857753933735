"""Screens of the framework: editions, the tree, criteria, site types and the task breakdown.

Thin: decorators → access helper → form → action → render/redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import history
from core.downloads import attachment as as_download
from core.excel import open_workbook
from core.http import attachment
from core.replicas import reading
from framework import actions, queries
from framework.access import (
    can_edit_framework,
    can_export_breakdown,
    can_manage_tasks,
    editions_for,
    get_attachment_for,
    get_criterion_for,
    get_edition_for,
    get_site_type_for,
    get_task_for,
    get_task_unit_for,
    task_units_for,
    tasks_for,
)
from framework.editions import compare_editions, copy_edition
from framework.excel import export_edition, export_filename, import_edition, template
from framework.exports import breakdown_workbook
from framework.forms import (
    AssignForm,
    CheckItemFormSet,
    CriterionForm,
    EditionImportForm,
    NoteForm,
    ReportForm,
    SiteTypeForm,
)
from framework.models import CheckItem, Node, Progress, SiteType, TaskEvent, TaskEventKind, TaskUnit
from org.access import get_or_404, get_unit_for, require, visible_units
from org.http import PersonRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _problems(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Editions and the tree --------------------------------------------------------------------


@login_required
def edition_list(request: PersonRequest) -> HttpResponse:
    editions = (
        editions_for(request.user)
        .annotate(criteria_count=Count("criteria"))
        .order_by("-active", "-year", "name")
    )
    return render(
        request,
        "framework/edition_list.html",
        {"editions": editions, "can_edit": can_edit_framework(request.user)},
    )


@login_required
def framework_home(request: PersonRequest) -> HttpResponse:
    edition = queries.active_edition()
    if edition is None:
        return redirect("framework:edition_list")
    return redirect("framework:edition_tree", edition.pk)


@login_required
def edition_tree(request: PersonRequest, pk: int) -> HttpResponse:
    edition = get_edition_for(request.user, pk)
    query = request.GET.get("q", "").strip()[:100]
    criteria = queries.search_criteria(edition, query) if query else None
    roots = queries.edition_tree(edition, criteria)
    context = {
        "edition": edition,
        "roots": roots,
        "q": query,
        "found": criteria.count() if criteria is not None else None,
        "total": sum((root.points for root in roots), 0),
        "can_edit": can_edit_framework(request.user),
        "can_assign": can_manage_tasks(request.user),
    }
    return render(request, "framework/tree.html", context)


@login_required
@require_POST
def edition_publish(request: PersonRequest, pk: int) -> HttpResponse:
    edition = get_edition_for(request.user, pk, write=True)
    actions.publish_edition(request.user, edition)
    messages.success(request, _("“%(name)s” is published.") % {"name": edition.name})
    return redirect("framework:edition_list")


@login_required
@require_POST
def edition_activate(request: PersonRequest, pk: int) -> HttpResponse:
    edition = get_edition_for(request.user, pk, write=True)
    try:
        actions.activate_edition(request.user, edition)
    except ValidationError as error:
        _problems(request, error)
    else:
        messages.success(request, _("“%(name)s” is now the active edition.") % {"name": edition.name})
    return redirect("framework:edition_list")


# --- Criteria --------------------------------------------------------------------------------


@login_required
def criterion_detail(request: PersonRequest, pk: int) -> HttpResponse:
    criterion = get_criterion_for(request.user, pk)
    requirements = criterion.requirements.prefetch_related("site_types", "check_items")
    context = {
        "criterion": criterion,
        "path": criterion.node.path(),
        "requirements": requirements,
        # A unit sees its own share of a task, not the other units' (org.access scoping).
        "tasks": queries.tasks_for_criterion(
            criterion, tasks_for(request.user), task_units_for(request.user)
        ),
        "rule": queries.describe(criterion),
        "can_edit": can_edit_framework(request.user),
        "can_assign": can_manage_tasks(request.user),
    }
    return render(request, "framework/criterion_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: PersonRequest, pk: int) -> HttpResponse:
    criterion = get_criterion_for(request.user, pk, write=True)
    form = CriterionForm(request.POST or None, instance=criterion)
    items = CheckItem.objects.filter(requirement__criterion=criterion).select_related("requirement")
    checks = CheckItemFormSet(
        request.POST or None, queryset=items.order_by("requirement__sort_order", "sort_order")
    )
    if request.method == "POST" and form.is_valid() and checks.is_valid():
        deductions = {
            f.instance.pk: (f.cleaned_data["text"], f.cleaned_data["deduction"]) for f in checks.forms
        }
        actions.update_criterion(request.user, criterion, deductions=deductions, **form.cleaned_data)
        messages.success(request, _("Criterion saved."))
        return redirect("framework:criterion_detail", criterion.pk)
    return render(
        request, "framework/criterion_edit.html", {"form": form, "checks": checks, "criterion": criterion}
    )


# --- Site types --------------------------------------------------------------------------------


@login_required
def site_type_list(request: PersonRequest) -> HttpResponse:
    edition = queries.active_edition()
    types = SiteType.objects.order_by("sort_order", "code")
    counts = queries.checklist_counts(edition) if edition else {}
    rows = [(site_type, counts.get(site_type.pk, 0)) for site_type in types]
    context = {"rows": rows, "edition": edition, "can_edit": can_edit_framework(request.user)}
    return render(request, "framework/site_type_list.html", context)


@login_required
def site_type_detail(request: PersonRequest, pk: int) -> HttpResponse:
    site_type = get_site_type_for(request.user, pk)
    edition = queries.active_edition()
    context = {"site_type": site_type, "edition": edition, "items": queries.checklist_for(site_type, edition)}
    return render(request, "framework/site_type_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def site_type_edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    site_type = get_site_type_for(request.user, pk, write=True) if pk else None
    require(can_edit_framework(request.user))
    form = SiteTypeForm(request.POST or None, instance=site_type)
    if request.method == "POST" and form.is_valid():
        site_type = actions.save_site_type(request.user, site_type, **form.cleaned_data)
        messages.success(request, _("Site type saved."))
        return redirect("framework:site_type_list")
    return render(request, "org/form.html", {"form": form, "title": _("Site type")})


# --- Task breakdown ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_assign(request: PersonRequest) -> HttpResponse:
    require(can_manage_tasks(request.user))
    criterion = node = None
    if request.GET.get("criterion"):
        criterion = get_criterion_for(request.user, request.GET["criterion"])
    else:
        node = get_or_404(Node.objects.select_related("edition"), request.GET.get("node"))
    existing = list(queries.existing_tasks(criterion=criterion, node=node).prefetch_related("units__unit"))
    form = AssignForm(request.POST or None, again=bool(existing))
    if request.method == "POST" and form.is_valid():
        try:
            task = actions.assign_task(request.user, criterion=criterion, node=node, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Task assigned."))
            return redirect("framework:task_detail", task.pk)
    subject = criterion.text if criterion else str(node)
    context = {"form": form, "subject": subject, "criterion": criterion, "existing": existing}
    return render(request, "framework/task_assign.html", context)


@login_required
def task_list(request: PersonRequest) -> HttpResponse:
    """The office's view of the breakdown, grouped by framework node."""
    tasks = tasks_for(request.user).select_related("criterion__node", "node", "edition")
    tasks = tasks.prefetch_related(Prefetch("units", task_units_for(request.user).select_related("unit")))
    edition = queries.active_edition()
    chosen = request.GET.get("edition")
    if chosen:
        edition = get_edition_for(request.user, chosen)
    if edition:
        tasks = tasks.filter(edition=edition)
    progress = request.GET.get("progress", "")
    unit = (
        get_unit_for(request.user, int(request.GET["unit"]))
        if request.GET.get("unit", "").isdigit()
        else None
    )
    if unit is not None:  # by unit: the tasks this unit leads or shares
        tasks = tasks.filter(units__unit=unit)
    if progress in Progress.values:
        tasks = tasks.filter(pk__in=TaskUnit.objects.filter(progress=progress).values("task_id"))
    page = Paginator(tasks.order_by("deadline", "pk"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "groups": queries.group_by_project(list(page.object_list)),
        "edition": edition,
        "editions": editions_for(request.user),
        "progress": progress,
        "progress_choices": Progress.choices,
        "unit": unit,
        "units": visible_units(request.user).filter(task_units__isnull=False).distinct().order_by("path"),
        "can_manage": can_manage_tasks(request.user),
    }
    return render(request, "framework/task_list.html", context)


@login_required
def my_tasks(request: PersonRequest) -> HttpResponse:
    """我的任务: the task units of the person's own unit, open ones first, with the office's reminders."""
    unit_id = request.user.unit_id
    task_units = task_units_for(request.user).filter(unit_id=unit_id) if unit_id else TaskUnit.objects.none()
    task_units = task_units.select_related("task__criterion__node", "task__node").prefetch_related(
        Prefetch(
            "events",
            TaskEvent.objects.filter(action=TaskEventKind.REMINDED).order_by("-at"),
            to_attr="reminders",
        )
    )
    today = timezone.localdate()
    rows = sorted(task_units, key=lambda tu: (not tu.can_report(), tu.task.deadline, tu.pk))
    for row in rows:
        row.overdue = row.is_overdue(today)
    return render(request, "framework/my_tasks.html", {"rows": rows})


@login_required
def task_detail(request: PersonRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    visible = task_units_for(request.user).filter(task=task).select_related("unit")
    events = task.events.filter(task_unit__isnull=True) | task.events.filter(task_unit__in=visible)
    context = {
        "task": task,
        "units": visible,
        "events": events.select_related("actor", "task_unit__unit").prefetch_related("attachments"),
        "can_manage": can_manage_tasks(request.user),
        "own": next((tu for tu in visible if tu.unit_id == request.user.unit_id), None),
        "report_form": ReportForm(),
        "note_form": NoteForm(),
    }
    return render(request, "framework/task_detail.html", context)


@login_required
@require_POST
def task_unit_report(request: PersonRequest, pk: int) -> HttpResponse:
    task_unit = get_task_unit_for(request.user, pk, write=True)
    task_unit.seen_version = history.seen_version(request.POST.get("version"))
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.report_progress(
                request.user,
                task_unit,
                form.cleaned_data["note"],
                form.cleaned_data["files"],
                form.cleaned_data["done"],
            )
            messages.success(request, _("Your report is saved."))
        except ValidationError as error:
            _problems(request, error)
            _keep_typed(request, form.cleaned_data["note"])
    else:
        _problems(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect("framework:task_detail", task_unit.task_id)


def _office_step(request: PersonRequest, pk: int, step, done_message: str) -> HttpResponse:
    task_unit = get_task_unit_for(request.user, pk, office=True)
    task_unit.seen_version = history.seen_version(request.POST.get("version"))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            step(request.user, task_unit, form.cleaned_data["note"])
            messages.success(request, done_message % {"unit": task_unit.unit.name})
        except ValidationError as error:
            _problems(request, error)
            _keep_typed(request, form.cleaned_data["note"])
    return redirect("framework:task_detail", task_unit.task_id)


def _keep_typed(request: HttpRequest, text: str) -> None:
    """A refused step loses nothing: what the person wrote comes back with the refusal, to copy."""
    if text.strip():
        messages.info(request, _("What you wrote (not saved): %(text)s") % {"text": text.strip()})


@login_required
@require_POST
def task_unit_confirm(request: PersonRequest, pk: int) -> HttpResponse:
    return _office_step(request, pk, actions.confirm_task_unit, _("Confirmed for %(unit)s."))


@login_required
@require_POST
def task_unit_return(request: PersonRequest, pk: int) -> HttpResponse:
    return _office_step(request, pk, actions.return_task_unit, _("Returned to %(unit)s."))


@login_required
@require_POST
def task_unit_remind(request: PersonRequest, pk: int) -> HttpResponse:
    return _office_step(request, pk, actions.remind_task_unit, _("Reminder sent to %(unit)s."))


@login_required
def attachment_download(request: PersonRequest, pk: int) -> HttpResponseBase:
    attachment = get_attachment_for(request.user, pk)
    # Always a download, never rendered inline: an uploaded file must not run as a page on our origin.
    response = as_download(attachment.file, attachment.name, attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@reading()
def task_export(request: PersonRequest) -> HttpResponse:
    require(can_export_breakdown(request.user))
    edition = (
        get_edition_for(request.user, request.GET["edition"])
        if request.GET.get("edition")
        else queries.active_edition()
    )
    data = breakdown_workbook(tasks_for(request.user), edition)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = attachment(f"{_('Task breakdown')}.xlsx")
    return response


# --- Editions as wholes: export, import, copy, compare -------------------------------------------


@login_required
@reading()
def edition_export(request: PersonRequest, pk: int) -> HttpResponse:
    edition = get_edition_for(request.user, pk)
    response = HttpResponse(export_edition(edition), content_type=XLSX)
    response["Content-Disposition"] = attachment(export_filename(edition))
    return response


@login_required
def edition_template(request: PersonRequest) -> HttpResponse:
    response = HttpResponse(template(), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"{_('Framework import template')}.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edition_import(request: PersonRequest) -> HttpResponse:
    require(can_edit_framework(request.user))
    form = EditionImportForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            report = import_edition(open_workbook(form.cleaned_data["file"]), name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if report.ok:
                edition = report.created[0]
                messages.success(request, _("Imported “%(name)s”.") % {"name": edition.name})
                return redirect("framework:edition_tree", edition.pk)
            problems = report.problems
    return render(request, "framework/edition_import.html", {"form": form, "problems": problems})


@login_required
@require_POST
def edition_copy(request: PersonRequest, pk: int) -> HttpResponse:
    edition = get_edition_for(request.user, pk, write=True)
    name = request.POST.get("name", "").strip()[:120] or _("%(name)s (copy)") % {"name": edition.name}
    try:
        copy = copy_edition(request.user, edition, name)
    except ValidationError as error:
        _problems(request, error)
        return redirect("framework:edition_list")
    messages.success(request, _("Copied into the draft “%(name)s”.") % {"name": copy.name})
    return redirect("framework:edition_tree", copy.pk)


@login_required
def edition_compare(request: PersonRequest) -> HttpResponse:
    editions = editions_for(request.user)
    old = get_edition_for(request.user, request.GET["old"]) if request.GET.get("old") else None
    new = get_edition_for(request.user, request.GET["new"]) if request.GET.get("new") else None
    comparison = compare_editions(old, new) if old and new else None
    context = {"editions": editions, "old": old, "new": new, "comparison": comparison}
    return render(request, "framework/edition_compare.html", context)
