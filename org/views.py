"""Screens to manage units, people and grids. Thin: access helper → form → action → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.excel import open_workbook, template_workbook
from core.http import attachment, client_address
from org import actions, imports, signin
from org.access import (
    can_manage_org,
    get_grid_for,
    get_person_for,
    get_token_for,
    get_unit_for,
    grids_for,
    people_for,
    require,
    tokens_for,
    visible_units,
)
from org.forms import GridForm, ImportForm, LocateForm, PersonCreateForm, PersonEditForm, TokenForm, UnitForm
from org.http import PersonRequest
from org.models import Person, Role, UnitKind
from org.queries import grid_of_point, unit_tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _grid_features(grids) -> dict:
    features = [
        {
            "type": "Feature",
            "geometry": grid.boundary,
            "properties": {"id": grid.pk, "code": grid.code, "name": grid.name, "unit": grid.unit.name},
        }
        for grid in grids
    ]
    return {"type": "FeatureCollection", "features": features}


# --- Units ------------------------------------------------------------------------------------


@login_required
def unit_list(request: PersonRequest) -> HttpResponse:
    units = visible_units(request.user)
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    if kind in UnitKind.values:
        units = units.filter(kind=kind)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(division_code__startswith=query))
    flat = bool(kind or query)
    rows = unit_tree(units)
    context = {
        "rows": rows,
        "kinds": UnitKind.choices,
        "kind": kind,
        "q": query,
        "flat": flat,
        "can_manage": can_manage_org(request.user),
    }
    return render(request, "org/unit_list.html", context)


@login_required
def unit_detail(request: PersonRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk)
    context = {
        "unit": unit,
        "ancestors": unit.ancestors().filter(pk__in=visible_units(request.user)),
        "children": unit.children.order_by("sort_order", "name"),
        "people": unit.people.order_by("role", "username"),
        "grids": unit.grids.order_by("code"),
        "can_manage": can_manage_org(request.user),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: PersonRequest) -> HttpResponse:
    require(can_manage_org(request.user))
    form = UnitForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        unit = actions.create_unit(request.user, **form.cleaned_data)
        messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
        return redirect("org:unit_detail", unit.pk)
    return render(request, "org/form.html", {"form": form, "title": _("New unit")})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: PersonRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        actions.update_unit(request.user, unit, **form.cleaned_data)
        messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
        return redirect("org:unit_detail", unit.pk)
    return render(request, "org/form.html", {"form": form, "title": _("Edit unit"), "cancel": unit})


# --- People -----------------------------------------------------------------------------------


@login_required
def person_list(request: PersonRequest) -> HttpResponse:
    people = people_for(request.user)
    role = request.GET.get("role", "")
    query = request.GET.get("q", "").strip()
    if role in Role.values:
        people = people.filter(role=role)
    if query:
        people = people.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(unit__name__icontains=query)
        )
    page = Paginator(people.order_by("unit__path", "username"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "roles": Role.choices,
        "role": role,
        "q": query,
        "can_manage": can_manage_org(request.user),
    }
    return render(request, "org/person_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: PersonRequest) -> HttpResponse:
    require(can_manage_org(request.user))
    form = PersonCreateForm(request.POST or None, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        person, password = actions.create_person(request.user, **form.cleaned_data)
        return render(request, "org/temporary_password.html", {"accounts": [(person, password)]})
    return render(request, "org/form.html", {"form": form, "title": _("New account")})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: PersonRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk, write=True)
    form = PersonEditForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        actions.update_person(request.user, person, **form.cleaned_data)
        messages.success(request, _("Account “%(name)s” saved.") % {"name": person})
        return redirect("org:person_list")
    context = {
        "form": form,
        "title": _("Edit account"),
        "person": person,
        "can_manage": can_manage_org(request.user),
        "is_locked": signin.is_locked(person),
    }
    return render(request, "org/form.html", context)


@login_required
@require_POST
def person_reset_password(request: PersonRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk, write=True)
    password = actions.reset_password(request.user, person)
    return render(request, "org/temporary_password.html", {"accounts": [(person, password)]})


@login_required
@require_POST
def person_unlock(request: PersonRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk, write=True)
    actions.unlock_person(request.user, person)
    messages.success(request, _("Account “%(name)s” can sign in again.") % {"name": person})
    return redirect("org:person_edit", person.pk)


# --- Grids ------------------------------------------------------------------------------------


@login_required
def grid_list(request: PersonRequest) -> HttpResponse:
    grids = grids_for(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        grids = grids.filter(
            Q(code__startswith=query) | Q(name__icontains=query) | Q(unit__name__icontains=query)
        )
    grids = grids.order_by("code")
    page = Paginator(grids, 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": query,
        "features": _grid_features(grids),
        "locate_form": LocateForm(),
        "can_manage": can_manage_org(request.user),
    }
    return render(request, "org/grid_list.html", context)


@login_required
def grid_detail(request: PersonRequest, pk: int) -> HttpResponse:
    grid = get_grid_for(request.user, pk)
    context = {"grid": grid, "features": _grid_features([grid]), "can_manage": can_manage_org(request.user)}
    return render(request, "org/grid_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grid_edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    grid = get_grid_for(request.user, pk, write=True) if pk else None
    if grid is None:
        require(can_manage_org(request.user))
    form = GridForm(request.POST or None, instance=grid)
    if request.method == "POST" and form.is_valid():
        grid = actions.save_grid(request.user, grid, **form.cleaned_data)
        messages.success(request, _("Grid %(code)s saved.") % {"code": grid.code})
        return redirect("org:grid_detail", grid.pk)
    title = _("Edit grid") if grid else _("New grid")
    return render(request, "org/form.html", {"form": form, "title": title})


@login_required
def grid_locate(request: PersonRequest) -> HttpResponse:
    form = LocateForm(request.GET or None)
    grid = None
    searched = False
    if form.is_valid():
        searched = True
        grid = grid_of_point(form.cleaned_data["lon"], form.cleaned_data["lat"], grids_for(request.user))
    return render(
        request,
        "org/_locate_result.html" if request.htmx else "org/grid_locate.html",
        {"form": form, "grid": grid, "searched": searched},
    )


# --- Excel import -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: PersonRequest) -> HttpResponse:
    require(can_manage_org(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            workbook = open_workbook(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            importer = imports.import_units if form.cleaned_data["kind"] == "units" else imports.import_people
            report = importer(request.user, workbook)
            if report.ok and form.cleaned_data["kind"] == "people":
                return render(request, "org/temporary_password.html", {"accounts": report.created})
            if report.ok:
                messages.success(request, _("%(n)d units imported.") % {"n": len(report.created)})
                return redirect("org:unit_list")
    return render(request, "org/import.html", {"form": form, "report": report})


def _template_names() -> dict[str, str]:
    return {"units": _("Unit import template"), "people": _("People import template")}


@login_required
def import_template(request: PersonRequest, kind: str) -> HttpResponse:
    require(can_manage_org(request.user))
    if kind not in {"units", "people"}:
        raise Http404
    if kind == "units":
        sheets = [
            (
                imports.UNITS_SHEET,
                imports.UNIT_COLUMNS,
                [
                    [
                        "城关街道",
                        "街道乡镇",
                        "",
                        "370000000001",
                        "张三",
                        "13800000000",
                        "李四",
                        "0531-88886666",
                    ],
                    ["新华社区", "社区村", "城关街道", "", "", "", "", ""],
                ],
            )
        ]
        notes = [
            "单位导入模板 Units import template。每行一个单位；上级单位须已存在或写在本表前面的行。",
            "任何一行有错误时整个文件不导入，并列出每个错误的行、列和原因。",
        ]
    else:
        sheets = [
            (
                imports.PEOPLE_SHEET,
                imports.PERSON_COLUMNS,
                [["zhangsan", "张三", "城关街道", "经办人", "13800000001", ""]],
            )
        ]
        notes = [
            "人员导入模板 People import template。每行一个账号；导入后显示一次临时密码，首次登录须修改。",
            "任何一行有错误时整个文件不导入，并列出每个错误的行、列和原因。",
        ]
    response = HttpResponse(template_workbook(sheets, notes), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"{_template_names()[kind]}.xlsx")
    return response


# --- API tokens ---------------------------------------------------------------------------------------


def _token_people(person: Person):
    """Whom the person may issue tokens for: themselves, and an office admin everyone active in scope."""
    if can_manage_org(person):
        return people_for(person).filter(is_active=True)
    return Person.objects.filter(pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: PersonRequest) -> HttpResponse:
    people = _token_people(request.user)
    form = TokenForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = actions.issue_token(
                request.user,
                form.cleaned_data["person"],
                form.cleaned_data["name"],
                form.cleaned_data["scopes"],
                form.cleaned_data["days"],
                address=client_address(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "org/token_issued.html", {"token": token, "raw": raw})
    tokens = tokens_for(request.user)
    return render(request, "org/token_list.html", {"tokens": tokens, "form": form})


@login_required
def token_detail(request: PersonRequest, pk: int) -> HttpResponse:
    token = get_token_for(request.user, pk)
    events = token.events.select_related("actor").order_by("-at", "-pk")[:100]
    return render(request, "org/token_detail.html", {"token": token, "events": events})


@login_required
@require_POST
def token_revoke(request: PersonRequest, pk: int) -> HttpResponse:
    token = get_token_for(request.user, pk)
    actions.revoke_token(request.user, token, address=client_address(request))
    messages.success(request, _("Token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("org:token_list")
