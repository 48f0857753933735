"""The pickers of units, grids and categories list their options from each process's copy (core.forms.hold_choices,
issue 20.26: the queue's filter lists were most of the page's rendering): read once, each scope its own list, a
saved or deleted row shows at once, and a submitted value is still checked against the database."""

from __future__ import annotations

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases.conftest import categories, rubbish  # noqa: F401 (fixtures)
from cases.forms import CaseFilterForm, list_from_query
from org.models import Unit, UnitKind


def _rendered(person) -> tuple[str, int]:
    """The queue's filter form as the page renders it, and the queries rendering it took."""
    form, _listed = list_from_query(person, QueryDict(""))
    with CaptureQueriesContext(connection) as context:
        html = "".join(str(field) for field in form)
    return html, len(context)


def test_the_filter_lists_are_read_once_per_process(county, rubbish):  # noqa: F811
    first, queries = _rendered(county.office_admin)
    assert queries > 0, "units, categories and grids are read the first time"
    again, queries = _rendered(county.office_admin)
    assert (again, queries) == (first, 0)
    assert county.town_b.name in first and county.grid_b.name in first and rubbish.name in first


def test_each_scope_lists_its_own_units(county, rubbish):  # noqa: F811
    office, _ = _rendered(county.office_admin)
    town, _ = _rendered(county.handler_a)
    assert county.town_b.name in office
    assert county.town_b.name not in town and county.town_a.name in town


def test_a_saved_or_deleted_unit_is_listed_at_once(county, rubbish):  # noqa: F811
    _rendered(county.office_admin)
    new = Unit.objects.create(name="新成立的局", kind=UnitKind.DEPARTMENT)
    html, _ = _rendered(county.office_admin)
    assert "新成立的局" in html
    new.name = "改名的局"
    new.save()
    assert "改名的局" in _rendered(county.office_admin)[0]
    new.delete()
    assert "改名的局" not in _rendered(county.office_admin)[0]


def test_a_chosen_option_is_marked_and_checked_against_the_database(county, rubbish):  # noqa: F811
    _rendered(county.office_admin)
    params = QueryDict(f"unit={county.town_a.pk}&category={rubbish.pk}")
    form, _listed = list_from_query(county.office_admin, params)
    assert f'<option value="{county.town_a.pk}" selected>' in str(form["unit"])
    assert form.is_valid() and form.cleaned_data["unit"] == county.town_a
    outside = CaseFilterForm(
        QueryDict(f"unit={county.town_b.pk}"),
        units=Unit.objects.filter(pk=county.town_a.pk),
        grids=county.grid_a.__class__.objects.none(),
    )
    assert not outside.is_valid(), "a unit out of the person's scope is refused, held list or not"


def test_a_name_with_markup_is_escaped_once(county, rubbish):  # noqa: F811
    Unit.objects.create(name='<b>"局" & 所</b>', kind=UnitKind.DEPARTMENT)
    for _ in range(2):  # listed from the database, then from the copy
        html, _queries = _rendered(county.office_admin)
        assert "&lt;b&gt;&quot;局&quot; &amp; 所&lt;/b&gt;" in html and "<b>" not in html
        assert "&amp;lt;" not in html
