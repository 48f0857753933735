"""Issue 20.26: the report page checks a plain submission without building its form (`portal.forms.plain_report`).
The form stays the rule: the quick check accepts nothing the form refuses and cleans every value as the form
does; anything unusual goes to the form, which explains it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cases.conftest import IN_GRID_A
from portal.forms import ReportForm, plain_report

MISSING = object()


def _submission(service_pk: int, fields: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        if value is MISSING:
            continue
        data[name] = value.replace("{service}", str(service_pk)) if isinstance(value, str) else value
    return data


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=max_size),
        st.sampled_from(["", " ", " \t\n", "\x00", "ok\x00", "菜市场门口垃圾成堆", " 菜市场 "]),
        st.integers(0, 4).map(lambda extra: "长" * (max_size - 2 + extra)),  # around the form's limit
    )


def _number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(
            [
                str(IN_GRID_A[0]),
                f" {IN_GRID_A[1]} ",
                "",
                " ",
                "nan",
                "inf",
                "-inf",
                "1e400",
                "1_0",
                "١٢",
                "x",
                "1,5",
            ]
        ),
    )


def _field(usual: str, *others: st.SearchStrategy) -> st.SearchStrategy:
    """A field as a citizen's phone sends it, four times in five; otherwise anything, or nothing at all."""
    other = st.one_of(*others, st.just(MISSING))
    return st.integers(0, 4).flatmap(lambda pick: st.just(usual) if pick else other)


SUBMISSIONS = st.fixed_dictionaries(
    {
        "service": _field(
            "{service}", st.sampled_from([" {service} ", "{service}.0", "", "0", "999999", "abc"])
        ),
        "description": _field("市场门口垃圾成堆", _text(1000)),
        "address": _field("", _text(200)),
        "lon": _field(str(IN_GRID_A[0]), _number()),
        "lat": _field(str(IN_GRID_A[1]), _number()),
        "phone": _field("13912345678", _text(20), st.just(" 139-1234-5678 ")),
        "website": _field("", st.sampled_from([" ", "http://spam.example"])),
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=SUBMISSIONS, with_photo=st.booleans())
def test_the_quick_check_accepts_only_what_the_form_accepts_and_cleans_it_alike(service, fields, with_photo):
    data = _submission(service.pk, fields)
    files = MultiValueDict(
        {"photos": [SimpleUploadedFile("a.jpg", b"\xff\xd8\xff", content_type="image/jpeg")]}
        if with_photo
        else {}
    )
    quick = plain_report(data, files)
    form = ReportForm(data, files)
    event("quick" if quick is not None else ("form valid" if form.is_valid() else "refused"))
    if quick is not None:
        assert form.is_valid(), (fields, form.errors)
        assert quick == form.cleaned_data


def test_a_plain_valid_submission_takes_the_quick_check(service):
    data = _submission(
        service.pk,
        {
            "service": "{service}",
            "description": " 市场门口垃圾成堆 ",
            "lon": str(IN_GRID_A[0]),
            "lat": str(IN_GRID_A[1]),
            "address": "",
            "phone": "13912345678",
            "website": "",
        },
    )
    quick = plain_report(data, MultiValueDict())
    assert quick is not None and quick["service"] == service and quick["description"] == "市场门口垃圾成堆"
    form = ReportForm(data, MultiValueDict())
    assert form.is_valid() and quick == form.cleaned_data


def test_a_photo_or_a_filled_honeypot_goes_to_the_form(service):
    plain = {
        "service": str(service.pk),
        "description": "垃圾",
        "lon": str(IN_GRID_A[0]),
        "lat": str(IN_GRID_A[1]),
    }
    photo = MultiValueDict({"photos": [SimpleUploadedFile("a.jpg", b"x", content_type="image/jpeg")]})
    assert plain_report(_submission(service.pk, plain), photo) is None
    assert plain_report(_submission(service.pk, {**plain, "website": "x"}), MultiValueDict()) is None
    assert plain_report(_submission(service.pk, {**plain, "lon": ""}), MultiValueDict()) is None
