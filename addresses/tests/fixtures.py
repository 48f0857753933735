"""A small registry over the test county's two grids (conftest.county): 人民路 east-west through both, 建设路
north-south in the first, a few doorplates, a 小区 and a pond. Other apps' tests build it too."""

from __future__ import annotations

from dataclasses import dataclass

from addresses.actions import save_doorplate, save_place, save_road
from addresses.models import Doorplate, Place, PlaceKind, Road, RoadKind
from conftest import County, square


@dataclass
class Registry:
    renmin: Road
    jianshe: Road
    plate_8: Doorplate
    plate_18: Doorplate
    plate_26: Doorplate
    plate_jianshe_3: Doorplate
    compound: Place
    pond: Place


def line(*points: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(point) for point in points]}


def build_registry(county: County) -> Registry:
    admin = county.office_admin
    renmin = save_road(
        admin,
        None,
        name="人民路",
        kind=RoadKind.MAIN,
        lon=117.01,
        lat=35.505,
        geometry=line((117.0005, 35.505), (117.0100, 35.5052), (117.0195, 35.505)),
    )
    jianshe = save_road(
        admin,
        None,
        name="建设路",
        kind=RoadKind.SECONDARY,
        lon=117.008,
        lat=35.505,
        geometry=line((117.008, 35.5005), (117.008, 35.5095)),
    )
    plates = [
        save_doorplate(admin, None, road=renmin, number=number, lon=lon, lat=35.5053)
        for number, lon in (("8", 117.002), ("18", 117.005), ("26", 117.014))
    ]
    jianshe_3 = save_doorplate(admin, None, road=jianshe, number="3", lon=117.0082, lat=35.502)
    compound = save_place(
        admin,
        None,
        name="幸福小区",
        kind=PlaceKind.COMPOUND,
        lon=117.0035,
        lat=35.507,
        geometry=square(117.002, 35.506, 0.003),
        doorplate=plates[1],
    )
    pond = save_place(
        admin,
        None,
        name="月牙湖",
        kind=PlaceKind.WATER,
        lon=117.016,
        lat=35.508,
        geometry=square(117.015, 35.507, 0.002),
    )
    return Registry(renmin, jianshe, plates[0], plates[1], plates[2], jianshe_3, compound, pond)
