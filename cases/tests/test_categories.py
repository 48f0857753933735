"""The category tree: shipped lists loaded once, deadlines inherited, snapshots on cases."""

from __future__ import annotations

import filecmp

import pytest
from django.http import QueryDict

from cases.categories import FILES, GBT_47678, LOCAL, PACKAGED_DIR, load_categories, shared_data_dir
from cases.forms import list_from_query
from cases.models import DEFAULT_DEADLINE, Category, CategoryKind
from core.workcalendar import DeadlineUnit


def test_it_loads_the_shipped_lists_as_a_tree(categories):
    events = Category.objects.filter(kind=CategoryKind.EVENT, standard_ref="CJ/T 214-2007")
    assert events.filter(parent__isnull=True).count() == 5
    assert events.filter(parent__isnull=False).count() == 54
    components = Category.objects.filter(kind=CategoryKind.COMPONENT)
    assert components.filter(parent__isnull=True).count() == 5
    assert components.filter(parent__isnull=False).count() == 66
    assert Category.objects.filter(standard_ref=GBT_47678).count() == 10
    local = Category.objects.filter(standard_ref=LOCAL, kind=CategoryKind.EVENT)
    assert (local.filter(parent__isnull=True).count(), local.filter(parent__isnull=False).count()) == (1, 9)
    assert local.get(code="C103").deadline() == (3, DeadlineUnit.WORKING_DAYS)
    minor = events.get(code="0104")
    assert minor.parent is not None
    assert (minor.major_code, minor.minor_code, minor.parent.name) == ("01", "0104", "市容环境")
    assert minor.deadline() == (5, DeadlineUnit.WORKING_HOURS)


def test_loading_twice_adds_nothing_and_keeps_the_offices_edits(categories):
    Category.objects.filter(code="0102", kind="event").update(name="暴露垃圾（含满溢）", deadline_amount=4)
    count = Category.objects.count()
    report = load_categories()
    assert report.created == 0 and report.kept == count
    assert Category.objects.get(code="0102", kind="event").name == "暴露垃圾（含满溢）"


def test_a_category_inherits_its_parents_deadline_and_unit(categories, county):
    major = Category.objects.get(kind="event", code="05", standard_ref="CJ/T 214-2007")
    minor = Category.objects.get(kind="event", code="0505", standard_ref="CJ/T 214-2007")
    assert minor.deadline() == DEFAULT_DEADLINE
    major.deadline_amount, major.deadline_unit, major.default_unit = (
        8,
        DeadlineUnit.WORKING_HOURS,
        county.department,
    )
    major.save()
    minor.refresh_from_db()
    assert minor.deadline() == (8, DeadlineUnit.WORKING_HOURS)
    assert minor.responsible_default() == county.department


def test_a_case_keeps_the_category_it_was_filed_under(new_case, rubbish):
    case = new_case()
    rubbish.name = "改名后的类别"
    rubbish.save()
    case.refresh_from_db()
    assert (case.category_ref, case.category_code, case.category_name) == (
        "CJ/T 214-2007",
        "0102",
        "暴露垃圾",
    )


def test_the_packaged_copy_matches_the_shared_data():
    shared = shared_data_dir()
    if not shared.is_dir():
        pytest.skip(f"the steering repository's shared data is not beside the project ({shared})")
    for name in FILES:
        assert filecmp.cmp(shared / name, PACKAGED_DIR / name, shallow=False), name


def test_a_class_loaded_again_is_listed_at_once_in_the_held_pickers(
    categories, county, django_capture_on_commit_callbacks
):
    """load_categories adds what is missing in one INSERT (no post_save): it tells the held option lists itself."""

    def listed() -> str:
        form, _listed = list_from_query(county.office_admin, QueryDict(""))
        return str(form["category"])

    gone = Category.objects.get(kind="event", code="0104", standard_ref="CJ/T 214-2007")
    gone.delete()
    assert gone.name not in listed()  # the delete told the lists; they are held again without it
    with django_capture_on_commit_callbacks(execute=True):
        report = load_categories()
    assert report.created == 1 and gone.name in listed()
