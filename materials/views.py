"""Screens of materials (网上申报): a unit's requests and its submission page, the office's matrix, issuing,
review and the reviews behind a score. Thin: decorators → access helper → form → action → render/redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import history
from core.downloads import attachment
from core.models import Period
from framework.models import Criterion, MaterialType, MethodKind, Node
from framework.queries import active_edition
from materials import actions, grading, queries
from materials.access import (
    can_manage_materials,
    can_see_overview,
    can_submit_for,
    get_file_for,
    get_request_for,
    requests_for,
)
from materials.files import count_words
from materials.forms import IssueForm, NoteForm, ReviewForm, TextForm
from materials.models import EventKind, MaterialFile, MaterialRequest, RequestState, Submission
from org.access import get_unit_for, require
from org.http import PersonRequest
from org.models import UnitKind

UNIT_KINDS = [
    (UnitKind.TOWN, UnitKind.TOWN.label),
    (UnitKind.DEPARTMENT, UnitKind.DEPARTMENT.label),
    ("other", _("Other units")),
    ("all", _("All units")),
]


def _problems(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _period(request: HttpRequest) -> Period | None:
    chosen = request.GET.get("period", "")
    if chosen.isdigit():
        return get_object_or_404(Period, pk=chosen)
    return queries.current_period()


@login_required
def index(request: PersonRequest) -> HttpResponse:
    return redirect("materials:matrix" if can_see_overview(request.user) else "materials:mine")


@login_required
def mine(request: PersonRequest) -> HttpResponse:
    """我的申报材料: what the person's unit must deliver, what the office returned first."""
    if request.user.unit_id is None:
        raise Http404
    rows = queries.unit_requests(request.user, request.user.unit_id, requests_for(request.user))
    return render(request, "materials/mine.html", {"rows": rows})


@login_required
def matrix(request: PersonRequest) -> HttpResponse:
    """The office's overview: criteria × units coloured by state, filtered by period, 测评项目 and unit kind."""
    require(can_see_overview(request.user))
    period = _period(request)
    requests = (
        requests_for(request.user).filter(period=period) if period else requests_for(request.user).none()
    )
    projects = queries.top_nodes(requests)
    project_id = request.GET.get("project", "")
    project = next((p for p in projects if str(p.pk) == project_id), None)
    unit_kind = request.GET.get("kind", UnitKind.TOWN)
    if unit_kind not in dict(UNIT_KINDS):
        unit_kind = UnitKind.TOWN
    context = {
        "period": period,
        "periods": Period.objects.all(),
        "projects": projects,
        "project": project,
        "unit_kind": unit_kind,
        "unit_kinds": UNIT_KINDS,
        "matrix": queries.matrix(requests, project, unit_kind),
        "tones": queries.STATE_TONES,
        "marks": queries.STATE_MARKS,
        "states": RequestState.choices,
        "queue": requests.filter(state=RequestState.SUBMITTED).select_related("criterion", "unit")[:12],
        "queue_count": requests.filter(state=RequestState.SUBMITTED).count(),
        "can_manage": can_manage_materials(request.user),
    }
    return render(request, "materials/matrix.html", context)


@login_required
def request_list(request: PersonRequest) -> HttpResponse:
    """A plain list with filters (state, overdue, unit), for the office's queue and for chasing."""
    require(can_see_overview(request.user))
    period = _period(request)
    rows = requests_for(request.user).filter(period=period) if period else requests_for(request.user).none()
    state = request.GET.get("state", "")
    if state in RequestState.values:
        rows = rows.filter(state=state)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        rows = rows.filter(state__in=MaterialRequest.OPEN_STATES, deadline__lt=timezone.localdate())
    unit = (
        get_unit_for(request.user, int(request.GET["unit"]))
        if request.GET.get("unit", "").isdigit()
        else None
    )
    if unit is not None:
        rows = rows.filter(unit=unit)
    rows = rows.select_related("criterion", "unit").order_by(
        "deadline", "criterion__sort_order", "unit__path"
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in page.object_list:
        row.overdue = row.is_overdue(today)
    context = {
        "page": page,
        "period": period,
        "periods": Period.objects.all(),
        "state": state,
        "overdue": overdue,
        "unit": unit,
        "states": RequestState.choices,
        "tones": queries.STATE_TONES,
        "can_manage": can_manage_materials(request.user),
    }
    return render(request, "materials/request_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: PersonRequest) -> HttpResponse:
    """发起申报: the office picks a period, criteria that ask for materials and a deadline."""
    require(can_manage_materials(request.user))
    edition = active_edition()
    criteria = Criterion.objects.none()
    if edition is not None:
        criteria = (
            Criterion.objects.filter(edition=edition, requirements__kind=MethodKind.MATERIAL)
            .distinct()
            .select_related("node")
            .order_by("sort_order", "pk")
        )
    initial: dict[str, object] = {"period": queries.current_period(), "breakdown_units": True}
    if request.GET.get("criterion", "").isdigit():
        initial["criteria"] = [int(request.GET["criterion"])]
    form = IssueForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = actions.issue_requests(
                request.user,
                period=data["period"],
                criteria=data["criteria"],
                deadline=data["deadline"],
                extra_units=data["extra_units"],
                breakdown_units=data["breakdown_units"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _issue_messages(request, report)
            return redirect(f"{reverse('materials:matrix')}?period={data['period'].pk}&kind=all")
    chosen = {str(v) for v in (form["criteria"].value() or [])}
    context = {"form": form, "edition": edition, "groups": queries.issue_choices(criteria), "chosen": chosen}
    return render(request, "materials/issue.html", context)


def _issue_messages(request: HttpRequest, report: actions.IssueReport) -> None:
    units = len({r.unit_id for r in report.created})
    messages.success(
        request,
        _("%(n)d requests issued to %(units)d units.") % {"n": len(report.created), "units": units},
    )
    if report.existing:
        messages.info(request, _("%(n)d were already requested and are unchanged.") % {"n": report.existing})
    for criterion in report.without_units:
        messages.warning(
            request,
            _("No unit to ask for “%(c)s”: assign it in the task breakdown or choose units.")
            % {"c": criterion},
        )


def _latest_returned_note(material) -> str:
    event = material.events.filter(action=EventKind.RETURNED).order_by("-at").first()
    return event.note if event else ""


@login_required
def request_detail(request: PersonRequest, pk: int) -> HttpResponse:
    material = get_request_for(request.user, pk)
    submissions = list(
        material.submissions.prefetch_related(
            Prefetch("files", MaterialFile.objects.order_by("material_type", "pk"))
        ).select_related("submitted_by")
    )
    latest = submissions[0] if submissions else None
    can_edit = can_submit_for(request.user, material) and material.unit_can_edit()
    # The draft, or the version a new draft starts from (a returned one is carried over whole).
    shown = latest
    can_manage = can_manage_materials(request.user)
    grades = grading.grades_for(material.criterion)
    context = {
        "material": material,
        "path": material.criterion.node.path(),
        "submissions": submissions,
        "shown": shown,
        "sections": _sections(material, shown),
        "can_edit": can_edit,
        "can_manage": can_manage,
        "can_see_overview": can_see_overview(request.user),
        "problems": actions.problems(material, shown) if can_edit else [],
        "returned_note": _latest_returned_note(material) if material.is_returned() else "",
        "text_form": TextForm(initial={"text": shown.text if shown else ""}),
        "words": count_words(shown.text) if shown else 0,
        "review_form": ReviewForm(grades=grades, possible=material.possible) if can_manage else None,
        "grade_label": grading.grade_label(material.criterion, material.grade) if material.grade else "",
        "note_form": NoteForm(),
        "events": material.events.select_related("actor"),
        "overdue": material.is_overdue(timezone.localdate()),
        "tone": queries.STATE_TONES[material.state],
        "max_mb": settings.MATERIAL_MAX_BYTES // 2**20,
    }
    return render(request, "materials/request_detail.html", context)


def _sections(material, submission: Submission | None) -> list[dict]:
    """One section per material type asked for, with the files of the shown version."""
    files = list(submission.files.all()) if submission else []
    sections = []
    for kind in material.material_types:
        if kind not in MaterialType.values:
            continue
        mine = [f for f in files if f.material_type == kind]
        photo = kind == MaterialType.PHOTO
        sections.append(
            {
                "kind": kind,
                "label": MaterialType(kind).label,
                "files": mine,
                "photo": photo,
                "limit": material.photo_limit if photo else None,
                "full": photo and material.photo_limit and len(mine) >= material.photo_limit,
                "accept": "image/jpeg,image/png,image/webp"
                if photo
                else ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.ppt,.pptx,.jpg,.jpeg,.png,.webp,.gif",
            }
        )
    return sections


# --- The unit's writes ----------------------------------------------------------------------------------


@login_required
@require_POST
def upload(request: PersonRequest, pk: int) -> HttpResponse:
    material = get_request_for(request.user, pk, submit=True)
    kind = request.POST.get("material_type", "")
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Choose at least one file."))
        return redirect("materials:request_detail", material.pk)
    try:
        report = actions.add_files(request.user, material, kind, files)
    except ValidationError as error:
        _problems(request, error)
    else:
        if report.added:
            messages.success(
                request,
                _("%(n)d files added: %(names)s")
                % {"n": len(report.added), "names": "、".join(f.name for f in report.added)},
            )
        for message in report.refused:
            messages.error(request, message)
    return redirect(f"{_detail(material.pk)}#section-{kind}")


def _detail(pk: int) -> str:
    return reverse("materials:request_detail", args=[pk])


@login_required
@require_POST
def save_text(request: PersonRequest, pk: int) -> HttpResponse:
    material = get_request_for(request.user, pk, submit=True)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            draft = actions.save_text(request.user, material, form.cleaned_data["text"])
        except ValidationError as error:
            _problems(request, error)
        else:
            words = count_words(draft.text)
            messages.success(request, _("Draft saved (%(n)d characters).") % {"n": words})
            if material.word_limit and words > material.word_limit:
                messages.warning(
                    request,
                    _("The report is over the limit of %(limit)d characters; shorten it before submitting.")
                    % {"limit": material.word_limit},
                )
    else:
        _problems(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect(f"{_detail(material.pk)}#section-report")


@login_required
@require_POST
def remove_file(request: PersonRequest, pk: int) -> HttpResponse:
    item = get_file_for(request.user, pk)
    material = get_request_for(request.user, item.submission.request_id, submit=True)
    try:
        actions.remove_file(request.user, item)
        messages.success(request, _("“%(name)s” removed from the draft.") % {"name": item.name})
    except ValidationError as error:
        _problems(request, error)
    return redirect(f"{_detail(material.pk)}#section-{item.material_type}")


@login_required
@require_POST
def submit(request: PersonRequest, pk: int) -> HttpResponse:
    material = get_request_for(request.user, pk, submit=True)
    try:
        submission = actions.submit(request.user, material)
        messages.success(
            request, _("Version %(v)d submitted to the office for review.") % {"v": submission.version}
        )
    except ValidationError as error:
        _problems(request, error)
    return redirect("materials:request_detail", material.pk)


# --- The office's writes ---------------------------------------------------------------------------------


def _review(request: PersonRequest, pk: int, step, done: str) -> HttpResponse:
    material = get_request_for(request.user, pk, manage=True)
    material.seen_version = history.seen_version(request.POST.get("version"))
    form = ReviewForm(request.POST, grades=grading.grades_for(material.criterion), possible=material.possible)
    form.is_valid()
    data = form.cleaned_data
    try:
        step(material, data)
        messages.success(request, done % {"unit": material.unit.name})
    except ValidationError as error:
        _problems(request, error)
        _keep_typed(request, data.get("comment", ""))
    return redirect("materials:request_detail", material.pk)


def _keep_typed(request: HttpRequest, text: str) -> None:
    """A refused review loses nothing: what the person wrote comes back with the refusal, to copy."""
    if text.strip():
        messages.info(request, _("What you wrote (not saved): %(text)s") % {"text": text.strip()})


@login_required
@require_POST
def accept(request: PersonRequest, pk: int) -> HttpResponse:
    def step(material, data):
        actions.accept(
            request.user, material, data.get("comment", ""), data.get("points"), data.get("grade", "")
        )

    return _review(request, pk, step, _("Accepted and scored for %(unit)s."))


@login_required
@require_POST
def return_(request: PersonRequest, pk: int) -> HttpResponse:
    def step(material, data):
        actions.return_to_unit(request.user, material, data.get("comment", ""))

    return _review(request, pk, step, _("Returned to %(unit)s."))


@login_required
@require_POST
def rescore(request: PersonRequest, pk: int) -> HttpResponse:
    def step(material, data):
        actions.rescore(
            request.user, material, data.get("comment", ""), data.get("points"), data.get("grade", "")
        )

    return _review(request, pk, step, _("Score changed for %(unit)s."))


@login_required
@require_POST
def remind(request: PersonRequest, pk: int) -> HttpResponse:
    material = get_request_for(request.user, pk, manage=True)
    try:
        actions.remind(request.user, material, request.POST.get("note", "")[:2000])
        messages.success(request, _("Reminder sent to %(unit)s.") % {"unit": material.unit.name})
    except ValidationError as error:
        _problems(request, error)
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith("/materials/") else _detail(material.pk))


# --- Files ----------------------------------------------------------------------------------------------


@login_required
def file_download(request: PersonRequest, pk: int) -> HttpResponseBase:
    item = get_file_for(request.user, pk)
    # Always a download, never rendered inline: an uploaded file must not run as a page on our origin.
    response = attachment(item.file, item.name, item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def file_thumbnail(request: PersonRequest, pk: int) -> FileResponse:
    """The JPEG thumbnail we made at upload (re-encoded pixels only), shown inline on the review page."""
    item = get_file_for(request.user, pk)
    if not item.thumbnail:
        raise Http404
    response = FileResponse(item.thumbnail.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Scores ---------------------------------------------------------------------------------------------


@login_required
def reviews(request: PersonRequest, period: int, unit: int) -> HttpResponse:
    """The reviews behind a unit's materials score in a period (the score sheet links here)."""
    period_obj = get_object_or_404(Period, pk=period)
    unit_obj = get_unit_for(request.user, unit)
    rows = queries.reviews_for(period_obj, unit_obj, requests_for(request.user))
    today = timezone.localdate()
    for row in rows:
        row.overdue = row.is_overdue(today)
        row.grade_label = grading.grade_label(row.criterion, row.grade) if row.grade else ""
    context = {
        "period": period_obj,
        "unit": unit_obj,
        "rows": rows,
        "tones": queries.STATE_TONES,
        "earned": sum((r.score or 0 for r in rows if r.is_accepted()), 0),
        "possible": sum((r.possible for r in rows), 0),
    }
    return render(request, "materials/reviews.html", context)


@login_required
@require_POST
def bundle(request: PersonRequest) -> HttpResponse:
    period = get_object_or_404(Period, pk=request.POST.get("period"))
    project = None
    if request.POST.get("project", "").isdigit():
        project = get_object_or_404(Node, pk=request.POST["project"], level=1)
    try:
        job = actions.request_bundle(request.user, period, project)
    except ValidationError as error:
        _problems(request, error)
        return redirect(f"{reverse('materials:matrix')}?period={period.pk}")
    return redirect("jobs:job", job.pk)
