"""JSON API for the organisation. Every endpoint reads through org.access, like the screens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from core.geo import validate_lon_lat
from core.ids import RowId
from org.access import get_grid_for, get_unit_for, grids_for, people_for, sees_everything, visible_units
from org.http import ApiRequest
from org.queries import grid_of_point

router = Router(tags=["organisation"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    division_code: str
    head_name: str
    head_phone: str
    liaison_name: str
    liaison_phone: str


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    unit_id: int | None
    is_active: bool


class GridOut(Schema):
    id: int
    code: str
    name: str
    unit_id: int
    boundary: dict


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    unit: UnitOut | None
    sees_everything: bool = Field(..., description="office staff and leaders see every unit")


@router.get("/me", response=MeOut)
def me(request: ApiRequest):
    person = request.auth
    return {
        "username": person.username,
        "full_name": person.full_name,
        "role": person.role,
        "unit": person.unit,
        "sees_everything": sees_everything(person),
    }


@router.get("/units", response=list[UnitOut])
def list_units(request: ApiRequest, kind: str | None = None):
    units = visible_units(request.auth).order_by("path")
    return units.filter(kind=kind) if kind else units


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit(request: ApiRequest, unit_id: RowId):
    return get_unit_for(request.auth, unit_id)


@router.get("/people", response=list[PersonOut])
def list_people(request: ApiRequest):
    return people_for(request.auth).order_by("unit__path", "username")


@router.get("/grids", response=list[GridOut])
def list_grids(request: ApiRequest):
    return grids_for(request.auth).order_by("code")


@router.get("/grids/locate", response={200: GridOut, 404: dict, 422: dict})
def locate_grid(request: ApiRequest, lon: float, lat: float):
    try:
        validate_lon_lat(lon, lat)
    except ValidationError as exc:
        return Status(422, {"detail": " ".join(exc.messages)})
    grid = grid_of_point(lon, lat, grids_for(request.auth))
    if grid is None:
        return Status(404, {"detail": "no grid contains this point"})
    return Status(200, grid)


@router.get("/grids/{grid_id}", response=GridOut)
def get_grid(request: ApiRequest, grid_id: RowId):
    return get_grid_for(request.auth, grid_id)
